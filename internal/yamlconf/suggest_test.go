package yamlconf

import "testing"

type sugConfig struct {
	A struct {
		Loss int `yaml:"loss" doc:"loss"`
		Lost int `yaml:"lost" doc:"lost"`
	} `yaml:"a"`
	B struct {
		Los     int `yaml:"los" doc:"los"`
		Timeout int `yaml:"timeout" doc:"t"`
	} `yaml:"b"`
	C struct {
		Timeout int `yaml:"timeout" doc:"t"`
	} `yaml:"c"`
	Seed int `yaml:"seed" doc:"s"`
}

func TestSuggestions(t *testing.T) {
	tests := []struct{ path, want string }{
		{"a.los", `unknown field "a.los"; did you mean "a.loss", "a.lost" or "b.los"?`},
		{"timeout", `unknown field "timeout"; did you mean "b.timeout" or "c.timeout"?`},
		{"a.time_out", `unknown field "a.time_out"; did you mean "b.timeout" or "c.timeout"?`},
		{"seeds", `unknown field "seeds"; did you mean "seed"?`},
		{"sed", `unknown field "sed"; did you mean "seed"?`},
		{"d.timeout", `unknown field "d.timeout"; did you mean "b.timeout" or "c.timeout"?`},
		{"bb.los", `unknown field "bb.los"; did you mean "b.los"?`},
		{"a.x", `unknown field "a.x"; see the list of fields with 'chordsim run --fields'`},
		{"a.", `empty field name in "a."; write dotted field names such as "a.loss"`},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			err := Apply(&sugConfig{}, tt.path, "1")
			if err == nil || err.Error() != tt.want {
				t.Errorf("err = %v\nwant %s", err, tt.want)
			}
		})
	}
}

func TestFieldListHint(t *testing.T) {
	old := FieldListHint
	defer func() { FieldListHint = old }()
	FieldListHint = "run 'tool help fields'"
	err := Apply(&sugConfig{}, "zzz", "1")
	if want := `unknown field "zzz"; run 'tool help fields'`; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
}
