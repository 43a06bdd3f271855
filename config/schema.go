package config

import "github.com/chordsim/chordsim/internal/yamlconf"

// SchemaID is the JSON Schema's identifier: where the schema of the config
// files is published in the repository.
const SchemaID = "https://raw.githubusercontent.com/chordsim/chordsim/main/docs/config.schema.json"

// JSONSchema is a JSON Schema of the experiment config files, with the
// defaults of Defaults; `chordsim schema` prints it and
// docs/config.schema.json holds it for editors (the examples name it in a
// yaml-language-server modeline).
func JSONSchema() []byte {
	d := Defaults()
	return yamlconf.JSONSchema(&d, SchemaID, "chordsim experiment config")
}
