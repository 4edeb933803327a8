"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DELETE = void 0;
var compiled_1 = require("./compiled");
Object.defineProperty(exports, "DELETE", { enumerable: true, get: function () { return compiled_1.DELETE; } });
