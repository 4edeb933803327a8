exports.LIST = "list_items";
module.exports.GET = "get_item";
