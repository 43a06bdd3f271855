package workload

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxFileBytes bounds a request file (kv.file): 256 MiB holds several
// million requests, more than a run serves in reasonable time; a longer
// input is refused before it is read whole. MaxRequests bounds the
// requests of one file, as kv.requests bounds the generated ones.
const (
	MaxFileBytes = 256 << 20
	MaxRequests  = 1 << 26
)

const (
	maxLine   = 1 << 20 // bytes per line, without the line ending
	quoteRune = 60      // runes of a bad line shown in an error
	bom       = "\uFEFF"
)

// problem is what is wrong with one line and how to fix it.
type problem struct{ what, fix string }

// Parse reads a workload file in the given mode. name is used only in error
// messages ("name:line: ..."). It returns the first problem and no requests
// at all, since replaying part of a workload would silently change an
// experiment.
func Parse(r io.Reader, name string, mode Mode) ([]Request, error) {
	if mode > ModeMix {
		return nil, fmt.Errorf("%s: unknown mode %v; use ModeInsert, ModeQuery or ModeMix", name, mode)
	}
	sc := bufio.NewScanner(r)
	// Room for a maximal line and its "\r\n"; longer lines are caught below.
	sc.Buffer(nil, maxLine+2)
	var reqs []Request
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if n == 1 {
			line = strings.TrimPrefix(line, bom)
		}
		if len(line) > maxLine {
			return nil, tooLong(name, n)
		}
		t := strings.TrimSpace(line)
		if t == "" || t[0] == '#' {
			continue
		}
		req, p := parseLine(t, mode)
		if p != nil {
			return nil, fmt.Errorf("%s:%d: %s (the line was %s); %s", name, n, p.what, quote(line), p.fix)
		}
		req.Line = n
		if len(reqs) == MaxRequests {
			return nil, fmt.Errorf("%s:%d: more than %d requests, the most a run serves; split the file or shorten it", name, n, MaxRequests)
		}
		reqs = append(reqs, req)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, tooLong(name, n+1)
		}
		return nil, fmt.Errorf("%s:%d: read failed: %w", name, n+1, err)
	}
	if len(reqs) == 0 {
		why := "the file is empty"
		if n > 0 {
			why = fmt.Sprintf("all %d lines are blank or comments", n)
		}
		return nil, fmt.Errorf("%s: no requests (%s); add lines of the form %s", name, why, modeForm[mode])
	}
	return reqs, nil
}

// ParseFile reads the workload file at path; see Parse.
func ParseFile(path string, mode Mode) ([]Request, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err // *fs.PathError names the path
	}
	defer f.Close()
	return Parse(f, path, mode)
}

// modeForm is the line format of each mode, for fix hints.
var modeForm = [...]string{ModeInsert: "KEY,VALUE", ModeQuery: "KEY", ModeMix: "insert,KEY,VALUE, query,KEY or delete,KEY"}

// parseLine reads one trimmed, non-blank, non-comment line.
func parseLine(t string, mode Mode) (Request, *problem) {
	if mode != ModeMix {
		// A mix file read in another mode would make each operation a
		// key ("insert" with the value "k1,v1"), silently.
		if op, _, cut := strings.Cut(t, ","); cut && isOp(strings.TrimSpace(op)) {
			return Request{}, &problem{fmt.Sprintf("the line starts with the operation %q, as in a mix file", strings.TrimSpace(op)),
				"read the file with kv.request_type: mix (in " + mode.String() + " files a key cannot be insert, query or delete)"}
		}
	}
	switch mode {
	case ModeInsert:
		key, value, ok := strings.Cut(t, ",")
		if !ok {
			return Request{}, &problem{"missing value", "write KEY,VALUE, or read a file of bare keys with kv.request_type: query"}
		}
		return keyed(Insert, key, value, "KEY,VALUE")
	case ModeQuery:
		key, _, cut := strings.Cut(t, ",")
		req, p := keyed(Query, key, "", "KEY")
		if cut {
			// Do not keep the ignored rest of the line alive.
			req.Key = strings.Clone(req.Key)
		}
		return req, p
	}
	op, rest, _ := strings.Cut(t, ",")
	op = strings.TrimSpace(op)
	switch {
	case strings.EqualFold(op, "insert"):
		key, value, ok := strings.Cut(rest, ",")
		if !ok {
			what := "missing value"
			if strings.TrimSpace(rest) == "" {
				what = "missing key and value"
			}
			return Request{}, &problem{what, "write insert,KEY,VALUE"}
		}
		return keyed(Insert, key, value, "insert,KEY,VALUE")
	case strings.EqualFold(op, "query"), strings.EqualFold(op, "delete"):
		kind := Query
		if strings.EqualFold(op, "delete") {
			kind = Delete
		}
		form := kind.String() + ",KEY"
		if strings.Contains(rest, ",") {
			return Request{}, &problem{kind.String() + " takes only a key", "write " + form + " (keys cannot contain commas)"}
		}
		return keyed(kind, rest, "", form)
	}
	return Request{}, &problem{fmt.Sprintf("unknown operation %q", op),
		"start the line with insert, query or delete, or read a file of KEY,VALUE lines with kv.request_type: insert"}
}

// isOp reports whether s names an operation of a mix file.
func isOp(s string) bool {
	return strings.EqualFold(s, "insert") || strings.EqualFold(s, "query") || strings.EqualFold(s, "delete")
}

// keyed checks and trims key and, for an Insert, value; form is the line
// format for the fix hint.
func keyed(kind Kind, key, value, form string) (Request, *problem) {
	key = strings.TrimSpace(key)
	switch {
	case key == "":
		return Request{}, &problem{"empty key", "write " + form + " with a non-empty key"}
	case key == "*" && kind != Query:
		return Request{}, &problem{"'*' is reserved for query-all", "use another key; only a query may name '*'"}
	}
	if p := checkText("key", key); p != nil {
		return Request{}, p
	}
	if kind != Insert {
		return Request{Kind: kind, Key: key}, nil
	}
	value = strings.TrimSpace(value)
	if value == "" {
		return Request{}, &problem{"empty value", "write " + form + " with a non-empty value (values are trimmed of spaces)"}
	}
	if p := checkText("value", value); p != nil {
		return Request{}, p
	}
	return Request{Kind: kind, Key: key, Value: value}, nil
}

// checkText rejects text that would garble traces and CSV output.
func checkText(field, s string) *problem {
	if !utf8.ValidString(s) {
		return &problem{field + " is not valid UTF-8", "save the file as UTF-8"}
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return &problem{fmt.Sprintf("%s contains control character %U", field, r), "remove it (tabs included)"}
		}
	}
	return nil
}

func tooLong(name string, n int) error {
	return fmt.Errorf("%s:%d: line is longer than 1 MiB; shorten its key or value", name, n)
}

// quote shows a bad line on one line, cut to quoteRune runes.
func quote(s string) string {
	runes := 0
	for i := range s {
		if runes == quoteRune {
			return strconv.Quote(s[:i] + "…")
		}
		runes++
	}
	return strconv.Quote(s)
}
