package main

import (
	"io"

	"github.com/chordsim/chordsim/config"
)

const schemaUsage = `Usage: chordsim schema

Prints a JSON Schema (draft-07) of the experiment config files: every
field with its type, its choices, its unit, its default and its
documentation; a field that can be swept also admits a list. Editors with
a YAML language server (VS Code's YAML extension, Neovim's yamlls, ...)
complete and check a config that starts with the line

  # yaml-language-server: $schema=PATH/TO/config.schema.json

as the examples do; the repository keeps the schema in
docs/config.schema.json. chordsim's own checks remain the judge: the
schema cannot state, say, a duration's syntax or the limits between
fields.
`

func cmdSchema(args []string, stdout io.Writer) error {
	fs := newFlags("schema", schemaUsage, stdout)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("schema takes no arguments; usage: chordsim schema > config.schema.json")
	}
	_, err := stdout.Write(config.JSONSchema())
	return err
}
