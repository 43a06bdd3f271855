package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestCitationFile checks CITATION.cff against the keys that the Citation
// File Format 1.2.0 requires (cff-version, message, title, authors, each
// author a person or an entity) and the forms it gives for the keys we use.
func TestCitationFile(t *testing.T) {
	src, err := os.ReadFile("../../CITATION.cff")
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := yaml.Unmarshal(src, &c); err != nil {
		t.Fatalf("CITATION.cff is not YAML: %v", err)
	}
	allowed := map[string]bool{"abstract": true, "authors": true, "cff-version": true, "commit": true, "contact": true,
		"date-released": true, "doi": true, "identifiers": true, "keywords": true, "license": true, "license-url": true,
		"message": true, "preferred-citation": true, "references": true, "repository": true, "repository-artifact": true,
		"repository-code": true, "title": true, "type": true, "url": true, "version": true}
	for k := range c {
		if !allowed[k] {
			t.Errorf("CITATION.cff: %q is not a key of CFF 1.2.0", k)
		}
	}
	want := map[string]string{"cff-version": "1.2.0", "title": "chordsim", "type": "software", "license": "MIT",
		"repository-code": "https://github.com/chordsim/chordsim", "date-released": "2026-12-06"}
	for k, v := range want {
		if got, _ := c[k].(string); got != v {
			t.Errorf("CITATION.cff: %s is %v, want %q (a string)", k, c[k], v)
		}
	}
	if m, _ := c["message"].(string); m == "" {
		t.Error("CITATION.cff: message is required")
	}
	if d, _ := c["date-released"].(string); !regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`).MatchString(d) {
		t.Errorf("CITATION.cff: date-released %q is not YYYY-MM-DD", d)
	}
	authors, _ := c["authors"].([]any)
	if len(authors) == 0 {
		t.Fatal("CITATION.cff: authors must list at least one author")
	}
	for i, a := range authors {
		m, _ := a.(map[string]any)
		name, _ := m["name"].(string)
		family, _ := m["family-names"].(string)
		if name == "" && family == "" {
			t.Errorf("CITATION.cff: author %d is neither an entity (name) nor a person (family-names)", i+1)
		}
	}
	if n, _ := authors[0].(map[string]any)["name"].(string); n != "The chordsim authors" {
		t.Errorf("CITATION.cff: first author %q, want the entity \"The chordsim authors\"", n)
	}
}

// TestLicenseFile checks that LICENSE is the MIT licence with the project's
// copyright line.
func TestLicenseFile(t *testing.T) {
	src, err := os.ReadFile("../../LICENSE")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"MIT License", "Copyright (c) 2026 the chordsim authors", "Permission is hereby granted, free of charge"} {
		if !strings.Contains(string(src), s) {
			t.Errorf("LICENSE lacks %q", s)
		}
	}
}

// TestThirdPartyListsEveryModule fails when go.mod requires a module that
// docs/THIRD_PARTY.md does not name with its licence.
func TestThirdPartyListsEveryModule(t *testing.T) {
	mod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("../../docs/THIRD_PARTY.md")
	if err != nil {
		t.Fatal(err)
	}
	inBlock, n := false, 0
	for _, line := range strings.Split(string(mod), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "require (":
			inBlock = true
			continue
		case line == ")":
			inBlock = false
			continue
		case strings.HasPrefix(line, "require "):
			line = strings.TrimPrefix(line, "require ")
		case !inBlock:
			continue
		}
		path := strings.Fields(line)[0]
		n++
		if !strings.Contains(string(doc), path) {
			t.Errorf("docs/THIRD_PARTY.md does not name %s (required by go.mod) and its licence", path)
		}
	}
	if n == 0 {
		t.Fatal("found no module in go.mod")
	}
}
