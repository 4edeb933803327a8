const PREFIX = "Inventory: ";
module.exports = {
  list: PREFIX + "list all items",
  get: PREFIX + "get one item by id",
};
