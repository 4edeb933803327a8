"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DELETE_DESC = exports.DELETE = void 0;
exports.DELETE = "delete_item";
exports.DELETE_DESC = "Delete an item permanently";
