from mcp.server.fastmcp import FastMCP

mcp = FastMCP("billing")
# want +1 SEC001:"Stripe"
STRIPE_KEY = "sk_live_De1f8rESQedUStPKR0CsTy4Q"
api_key = "YOUR_API_KEY"  # documented placeholder, not a finding
