PRODUCT = "Acme CRM"
VERSION = 3
SEARCH_DESC = (
    "Search contacts in " + PRODUCT + ". "
    "Matches names and e-mail addresses."
)
SHARED_NOTE = textwrap_note = "Results are paginated."
