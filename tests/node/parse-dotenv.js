// Parse each dotenv file named on the command line with the dotenv
// package and print a JSON array with one object of variables per file.
"use strict";

const fs = require("fs");
const dotenv = require("dotenv");

const results = process.argv
  .slice(2)
  .map((path) => dotenv.parse(fs.readFileSync(path)));
process.stdout.write(JSON.stringify(results));
