package shell

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chordsim/chordsim/chord"
)

// runDrawScript replays testdata/draw.chord with echo on, in dir as the
// working directory (where its pictures go), and returns the session, the
// transcript and Run's count of failed commands.
func runDrawScript(t *testing.T, dir string) (*Session, []byte, int) {
	t.Helper()
	script, err := os.ReadFile(filepath.Join("testdata", "draw.chord"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Options{Seed: 1, Echo: true})
	if err != nil {
		t.Fatal(err)
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	var buf bytes.Buffer
	n := s.Run(bytes.NewReader(script), &buf, &buf)
	return s, buf.Bytes(), n
}

// TestDrawTranscript replays testdata/draw.chord against
// testdata/draw.golden (go test ./shell -run TestDrawTranscript -rewrite
// regenerates it; read the diff), then checks the pictures it wrote: the
// files asked for and no others (no picture for a refused draw, no
// temporary file), each a valid SVG or PNG, the same bytes on a second
// replay; and what last.svg shows, against the session's ring.
func TestDrawTranscript(t *testing.T) {
	dir := t.TempDir()
	s, got, n := runDrawScript(t, dir)
	golden := filepath.Join("testdata", "draw.golden")
	if *rewrite {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (go test ./shell -run TestDrawTranscript -rewrite writes it)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := range max(len(gl), len(wl)) {
			if i >= len(gl) || i >= len(wl) || gl[i] != wl[i] {
				t.Fatalf("output differs from %s at line %d:\n got: %s\nwant: %s", golden, i+1, at(gl, i), at(wl, i))
			}
		}
	}
	// Every command after "# Mistakes" but the last (stats) fails once.
	script, _ := os.ReadFile(filepath.Join("testdata", "draw.chord"))
	_, mistakes, _ := strings.Cut(string(script), "# Mistakes")
	if bad := strings.Count(strings.TrimSpace(mistakes), "\n") - 1; n != bad || strings.Count(string(got), "\nerror: ") != bad {
		t.Errorf("Run counted %d failed commands and printed %d errors; want %d, one a mistake", n, strings.Count(string(got), "\nerror: "), bad)
	}

	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if want := []string{"before.svg", "departed.svg", "failed.svg", "first.SVG", "last.svg", "song2.png"}; !slices.Equal(names, want) {
		t.Fatalf("the folder holds %v, want %v", names, want)
	}
	pics := map[string][]byte{}
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		pics[name] = b
		if strings.HasSuffix(name, ".png") {
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Errorf("%s: %v", name, err)
			} else if sz := img.Bounds().Size(); sz != (image.Point{2400, 1720}) {
				t.Errorf("%s: %v pixels, want 2400 × 1720", name, sz)
			}
			continue
		}
		parseSVG(t, name, b)
	}
	dir2 := t.TempDir()
	runDrawScript(t, dir2)
	for _, name := range names {
		if b, _ := os.ReadFile(filepath.Join(dir2, name)); strings.HasSuffix(name, "svg") && !bytes.Equal(b, pics[name]) {
			t.Errorf("%s: a second replay draws other bytes", name)
		}
	}

	// The ring has not moved since last.svg was drawn (draw does not
	// advance time, and only failed draws and stats came after), so
	// the picture can be checked against it.
	n2, n3, n5, n7 := s.live("n2", false), s.live("n3", false), s.node("n5"), s.node("n7")
	pic := parseSVG(t, "last.svg", pics["last.svg"])
	checkTables(t, s, pic, n2)
	checkMarks(t, s, pic)
	if s.ring.State(n5) != chord.Failed || s.ring.State(n7) != chord.Left {
		t.Fatalf("n5 is %s and n7 %s; the script fails n5 and departs n7", s.ring.State(n5), s.ring.State(n7))
	}
	checkLookup(t, s, pic, n2, "song1")
	// before.svg: eight members, nothing dead, node #0 by default.
	before := parseSVG(t, "before.svg", pics["before.svg"])
	if d, f, l := len(before.byFill("circle", "#222")), len(before.byClass("path", "failed")), len(before.byClass("circle", "left")); d != 8 || f != 0 || l != 0 {
		t.Errorf("before.svg: %d member dots, %d failed, %d departed; want 8, 0, 0", d, f, l)
	}
	// first.SVG: node #0 is the first member by id (brute force); the
	// failed node's tables (failed.svg) are the ones it had when it died.
	first := parseSVG(t, "first.SVG", pics["first.SVG"])
	ids := memberIDs(s)
	if h := s.byID(ids[0]); h == chord.None || h != n3 {
		t.Errorf("the first member by id is %v, the transcript says n3", h)
	}
	checkTables(t, s, first, n3)
	checkTables(t, s, parseSVG(t, "failed.svg", pics["failed.svg"]), n5)
	checkTables(t, s, parseSVG(t, "departed.svg", pics["departed.svg"]), n7)
	// song2.png: the failed node's red cross, at its place.
	img, _ := png.Decode(bytes.NewReader(pics["song2.png"]))
	x, y := where(s, n5)
	if r, g, b, _ := img.At(int(2*x), int(2*y)).RGBA(); r>>8 < 0xa0 || g>>8 > 0x70 || b>>8 > 0x70 {
		t.Errorf("song2.png: colour %02x%02x%02x at the failed node, want red", r>>8, g>>8, b>>8)
	}
}

func at(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return "(end)"
}

// node is the newest node named name, whatever its state.
func (s *Session) node(name string) chord.Handle {
	for h := chord.Handle(s.ring.Nodes() - 1); h >= 0; h-- {
		if s.ring.Name(h) == name {
			return h
		}
	}
	return chord.None
}

// memberIDs are the members' identifiers, sorted: the brute-force ring,
// read from the nodes' states rather than the oracle.
func memberIDs(s *Session) []chord.ID {
	var ids []chord.ID
	for h := chord.Handle(0); int(h) < s.ring.Nodes(); h++ {
		if s.ring.State(h) == chord.Member {
			ids = append(ids, s.ring.ID(h))
		}
	}
	slices.Sort(ids)
	return ids
}

func (s *Session) byID(id chord.ID) chord.Handle {
	for h := chord.Handle(0); int(h) < s.ring.Nodes(); h++ {
		if s.ring.State(h) == chord.Member && s.ring.ID(h) == id {
			return h
		}
	}
	return chord.None
}

// where is node h's place in the picture, worked out here from the
// manual's description: the ring's centre (420, 440), its radius 340,
// identifier x at angle 2πx/2^m clockwise from the top.
func where(s *Session, h chord.Handle) (x, y float64) {
	a := 2 * math.Pi * float64(s.ring.ID(h)) / math.Ldexp(1, s.ring.Space().Bits())
	return 420 + 340*math.Sin(a), 440 - 340*math.Cos(a)
}

// svgPic is what a picture holds: its elements with their attributes,
// and its text.
type svgPic struct {
	els  []svgEl
	text []string
}

type svgEl struct {
	name  string
	attrs map[string]string
}

// parseSVG decodes an SVG as XML, failing the test if it is not one.
func parseSVG(t *testing.T, name string, b []byte) *svgPic {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	p := &svgPic{}
	root := ""
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: not valid XML: %v", name, err)
		}
		switch v := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = v.Name.Space + " " + v.Name.Local
			}
			e := svgEl{name: v.Name.Local, attrs: map[string]string{}}
			for _, a := range v.Attr {
				e.attrs[a.Name.Local] = a.Value
			}
			p.els = append(p.els, e)
		case xml.CharData:
			if s := strings.TrimSpace(string(v)); s != "" {
				p.text = append(p.text, s)
			}
		}
	}
	if root != "http://www.w3.org/2000/svg svg" {
		t.Fatalf("%s: root element %q, want an svg of the SVG namespace", name, root)
	}
	return p
}

func (p *svgPic) byClass(name, class string) []svgEl {
	var out []svgEl
	for _, e := range p.els {
		if e.name == name && e.attrs["class"] == class {
			out = append(out, e)
		}
	}
	return out
}

func (p *svgPic) byFill(name, fill string) []svgEl {
	var out []svgEl
	for _, e := range p.els {
		if e.name == name && e.attrs["fill"] == fill {
			out = append(out, e)
		}
	}
	return out
}

func num(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("coordinate %q: %v", s, err)
	}
	return v
}

// near: the SVG writes coordinates to two decimals.
func near(x1, y1, x2, y2 float64) bool { return math.Abs(x1-x2) <= 0.011 && math.Abs(y1-y2) <= 0.011 }

// pathNums are the numbers of a path's d attribute, in order.
func pathNums(t *testing.T, d string) []float64 {
	var out []float64
	for _, f := range strings.FieldsFunc(d, func(r rune) bool { return strings.ContainsRune("MLQ, ", r) }) {
		out = append(out, num(t, f))
	}
	return out
}

// checkTables checks that the picture's blue chords run from node h to
// each distinct node of its finger table and to no other, its green
// curves to each node of its successor list, and its dashed chord to its
// predecessor; and that the chosen node's ring sits on h.
func checkTables(t *testing.T, s *Session, p *svgPic, h chord.Handle) {
	t.Helper()
	name := s.ring.Name(h)
	hx, hy := where(s, h)
	ends := func(els []svgEl, line bool) [][2]float64 {
		var out [][2]float64
		for _, e := range els {
			var x1, y1, x2, y2 float64
			if line {
				x1, y1, x2, y2 = num(t, e.attrs["x1"]), num(t, e.attrs["y1"]), num(t, e.attrs["x2"]), num(t, e.attrs["y2"])
			} else {
				v := pathNums(t, e.attrs["d"])
				x1, y1, x2, y2 = v[0], v[1], v[4], v[5]
			}
			if !near(x1, y1, hx, hy) {
				t.Errorf("node %s: a %s chord starts at (%.2f, %.2f), not at the node (%.2f, %.2f)", name, e.attrs["class"], x1, y1, hx, hy)
			}
			out = append(out, [2]float64{x2, y2})
		}
		return out
	}
	same := func(what string, got [][2]float64, want []chord.Handle) {
		t.Helper()
		var wantXY [][2]float64
		for _, w := range want {
			x, y := where(s, w)
			if !slices.ContainsFunc(wantXY, func(p [2]float64) bool { return near(p[0], p[1], x, y) }) {
				wantXY = append(wantXY, [2]float64{x, y})
			}
		}
		if len(got) != len(wantXY) {
			t.Errorf("node %s: %d %s chords, want %d", name, len(got), what, len(wantXY))
		}
		for _, w := range wantXY {
			if !slices.ContainsFunc(got, func(p [2]float64) bool { return near(p[0], p[1], w[0], w[1]) }) {
				t.Errorf("node %s: no %s chord ends at (%.2f, %.2f)", name, what, w[0], w[1])
			}
		}
	}
	var fingers, succs, pred []chord.Handle
	for i := range s.ring.FingerCount() {
		if f := s.ring.Finger(h, i); f != chord.None && f != h {
			fingers = append(fingers, f)
		}
	}
	for _, x := range s.ring.Successors(h) {
		if x != h {
			succs = append(succs, x)
		}
	}
	if p := s.ring.Predecessor(h); p != chord.None && p != h {
		pred = append(pred, p)
	}
	if len(fingers) == 0 || len(succs) == 0 {
		t.Fatalf("node %s has %d fingers and %d successors: the test needs some", name, len(fingers), len(succs))
	}
	same("finger", ends(p.byClass("line", "finger"), true), fingers)
	same("successor", ends(p.byClass("path", "successor"), false), succs)
	same("predecessor", ends(p.byClass("line", "predecessor"), true), pred)
	chosen := 0
	for _, e := range p.els {
		if e.name == "circle" && e.attrs["r"] == "7" && near(num(t, e.attrs["cx"]), num(t, e.attrs["cy"]), hx, hy) {
			chosen++
		}
	}
	if chosen != 1 {
		t.Errorf("node %s: %d chosen-node rings on it, want 1", name, chosen)
	}
	if !slices.Contains(p.text, "node "+name) {
		t.Errorf("node %s: the panel does not name it", name)
	}
}

// checkMarks checks each node's mark: a dark dot on every member, a red
// cross on every failed node, a grey ring on every departed one, an
// orange ring on every joiner, and no mark elsewhere.
func checkMarks(t *testing.T, s *Session, p *svgPic) {
	t.Helper()
	kinds := []struct {
		st  chord.State
		els []svgEl
	}{
		{chord.Member, p.byFill("circle", "#222")},
		{chord.Joining, p.byClass("circle", "joining")},
		{chord.Failed, p.byClass("path", "failed")},
		{chord.Left, p.byClass("circle", "left")},
	}
	for _, k := range kinds {
		var want []chord.Handle
		for h := chord.Handle(0); int(h) < s.ring.Nodes(); h++ {
			if s.ring.State(h) == k.st {
				want = append(want, h)
			}
		}
		if len(k.els) != len(want) {
			t.Errorf("%d %s marks, want %d", len(k.els), k.st, len(want))
		}
		for _, h := range want {
			x, y := where(s, h)
			found := slices.ContainsFunc(k.els, func(e svgEl) bool {
				if e.name == "circle" {
					return near(num(t, e.attrs["cx"]), num(t, e.attrs["cy"]), x, y)
				}
				v := pathNums(t, e.attrs["d"]) // the cross: two strokes through the centre
				return near((v[0]+v[2])/2, (v[1]+v[3])/2, x, y)
			})
			if !found {
				t.Errorf("node %s (%s): no %s mark at (%.2f, %.2f)", s.ring.Name(h), k.st, k.st, x, y)
			}
		}
	}
}

// checkLookup checks the drawn lookup of key from origin against brute
// force on the members' identifiers: the answer is the first member at or
// after the key's identifier, and the arrows form a path from origin that
// ends at the member just before that owner (whose successor holds the
// key), or there are none when origin is that member.
func checkLookup(t *testing.T, s *Session, p *svgPic, origin chord.Handle, key string) {
	t.Helper()
	k := s.ring.Space().Hash(key)
	ids := memberIDs(s)
	i, _ := slices.BinarySearch(ids, k)
	owner := ids[i%len(ids)]
	before := ids[(i+len(ids)-1)%len(ids)]
	if !slices.Contains(p.text, fmt.Sprintf("answer %d: correct", uint64(owner))) {
		t.Errorf("lookup of %s: the panel does not give answer %d: correct", key, uint64(owner))
	}
	hops := append(p.byClass("line", "hop"), p.byClass("line", "timeout")...)
	x, y := where(s, origin)
	for range hops { // follow the chain: each arrow starts where the last ended
		next := -1
		for j, e := range hops {
			if near(num(t, e.attrs["x1"]), num(t, e.attrs["y1"]), x, y) {
				next = j
			}
		}
		if next < 0 {
			t.Fatalf("lookup of %s: no arrow leaves (%.2f, %.2f); the path is broken", key, x, y)
		}
		x, y = num(t, hops[next].attrs["x2"]), num(t, hops[next].attrs["y2"])
	}
	bx, by := where(s, s.byID(before))
	if !near(x, y, bx, by) {
		t.Errorf("lookup of %s: the path ends at (%.2f, %.2f), want the owner's predecessor %d at (%.2f, %.2f)", key, x, y, uint64(before), bx, by)
	}
	// At m = 64 (the shell's default) the panel splits the line in two,
	// so that 20-digit identifiers stay inside the picture.
	if want := []string{fmt.Sprintf("lookup of key %d", uint64(k)), fmt.Sprintf("from %d", uint64(s.ring.ID(origin)))}; !slices.Contains(p.text, want[0]) || !slices.Contains(p.text, want[1]) {
		t.Errorf("lookup of %s: the panel does not say %q", key, want)
	}
	// The key's diamond: its top 7 pixels above the key's place.
	a := 2 * math.Pi * float64(k) / math.Ldexp(1, s.ring.Space().Bits())
	kx, ky := 420+340*math.Sin(a), 440-340*math.Cos(a)-7
	if marks := p.byClass("path", "key"); len(marks) != 1 {
		t.Errorf("lookup of %s: %d key marks, want 1", key, len(marks))
	} else if v := pathNums(t, strings.Fields(marks[0].attrs["d"])[0]); !near(v[0], v[1], kx, ky) {
		t.Errorf("lookup of %s: the key's mark at (%.2f, %.2f), want (%.2f, %.2f)", key, v[0], v[1], kx, ky)
	}
}

// A node still joining is drawn as an orange ring and can be the chosen
// node, but a lookup cannot start there.
func TestDrawJoining(t *testing.T) {
	dir := t.TempDir()
	s, err := New(Options{Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	exec := func(line string) (string, error) {
		var out bytes.Buffer
		err := s.Exec(line, &out)
		return out.String(), err
	}
	if _, err := exec("join-many 5"); err != nil {
		t.Fatal(err)
	}
	// Start a join and draw before it completes (the join command itself
	// waits until the joiner is a member).
	h, err := s.ring.AddNamedNode("late")
	if err != nil {
		t.Fatal(err)
	}
	_, first := s.ring.Oracle().At(0)
	if err := s.ring.JoinVia(h, first); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "j.svg")
	out, err := exec("draw " + file)
	if err != nil || !strings.Contains(out, ": 5 members, 1 joining;") {
		t.Fatalf("draw: %q, %v; want 5 members and 1 joining", out, err)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	checkMarks(t, s, parseSVG(t, "j.svg", b))
	if _, err := exec("draw " + file + " node late"); err != nil {
		t.Errorf("draw the joiner's tables: %v", err)
	}
	if _, err := exec("draw " + file + " node late lookup k"); err == nil || !strings.Contains(err.Error(), "node late is joining, not a member") {
		t.Errorf("a lookup from the joiner: %v; want refused, naming it", err)
	}
}

// A folder that cannot be written: one error, no file, and the session
// goes on.
func TestDrawUnwritable(t *testing.T) {
	dir := t.TempDir()
	ro := filepath.Join(dir, "ro")
	if err := os.Mkdir(ro, 0o555); err != nil {
		t.Fatal(err)
	}
	if f, err := os.CreateTemp(ro, "probe"); err == nil {
		// Running as root, which writes anywhere: take a folder the
		// kernel refuses files in, if there is one.
		f.Close()
		ro = "/sys"
		if f, err := os.CreateTemp(ro, "probe"); err == nil || !errors.Is(err, fs.ErrPermission) {
			if f != nil {
				f.Close()
				os.Remove(f.Name())
			}
			t.Skip("no folder here refuses a new file (running as root without /sys)")
		}
	}
	s, err := New(Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	for _, l := range []string{"join a", "join b"} {
		if err := s.Exec(l, &out); err != nil {
			t.Fatal(err)
		}
	}
	file := filepath.Join(ro, "r.svg")
	err = s.Exec("draw "+file, &out)
	if err == nil || !strings.Contains(err.Error(), "cannot write: permission denied") || strings.ContainsAny(err.Error(), "\n") {
		t.Errorf("draw into a read-only folder: %v; want one line saying it cannot write", err)
	}
	if _, err := os.Stat(file); err == nil {
		t.Error("a picture was written")
	}
	if err := s.Exec("draw "+filepath.Join(dir, "r.svg"), &out); err != nil {
		t.Errorf("the next draw: %v", err)
	}
}

// Every command is listed where users look for it: the package doc's
// list, chordsim shell --help's summary and the manual's table of shell
// commands.
func TestCommandsDocumented(t *testing.T) {
	read := func(path string) string {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	doc := read("doc.go")
	_, usage, _ := strings.Cut(read(filepath.Join("..", "cmd", "chordsim", "shell.go")), "const shellUsage = `")
	usage, _, _ = strings.Cut(usage, "`")
	manual := read(filepath.Join("..", "docs", "manual.md"))
	_, table, _ := strings.Cut(manual, "`chordsim shell` reads commands from the terminal")
	_, table, _ = strings.Cut(table, "| command | what it does |")
	table, _, _ = strings.Cut(table, "\n\n")
	if strings.Count(table, "\n| `") < 10 {
		t.Fatalf("the manual's table of shell commands not found:\n%s", table)
	}
	for _, c := range commands {
		if !strings.Contains(doc, "//\t"+c.name+" ") && !strings.Contains(doc, "//\t"+c.name+"\t") && !strings.Contains(doc, "//\t"+c.name+"\n") {
			t.Errorf("doc.go's command list lacks %s", c.name)
		}
		if !regexp.MustCompile(`(^|[\s,])` + regexp.QuoteMeta(c.name) + `([\s,.]|$)`).MatchString(usage) {
			t.Errorf("chordsim shell --help lacks %s", c.name)
		}
		listed := false
		for _, pre := range []string{"| `", ", `"} {
			for _, post := range []string{" ", "`"} {
				listed = listed || strings.Contains(table, pre+c.name+post)
			}
		}
		if !listed {
			t.Errorf("the manual's table of shell commands lacks %s", c.name)
		}
	}
}

// last draws the last insert, query, delete or find (not query *, which
// looks nothing up), from its node unless node is given; it is refused
// before any operation and when that node is gone.
func TestDrawLast(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "r.svg")
	s, err := New(Options{Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ line, out, err string }{
		{"draw " + file + " last", "", "draw: last: no insert, query, delete or find has run in this session"},
		{"join-many 6", "joined 6 nodes", ""},
		{"run 20s", "t = ", ""},
		{"draw " + file + " last", "", "draw: last: no insert"},
		{"find k1 at node2", "Key:k1 ", ""},
		{"draw " + file + " last", "; node node2; find k1 from node2: ", ""},
		{"insert k2 v at node4", "Key:k2 inserted", ""},
		{"query * at node1", "on 6 nodes", ""},
		{"draw " + file + " last", "; node node4; insert k2 from node4: ", ""},
		{"draw " + file + " last node node5", "; node node5; insert k2 from node5: ", ""},
		{"depart node4", "Node node4 departed", ""},
		{"draw " + file + " last", "", "draw: node node4, where insert k2 started, is left, not a member; a lookup starts at a member"},
		{"draw " + file + " node node4", "; node node4 (left)", ""},
	} {
		var out bytes.Buffer
		err := s.Exec(c.line, &out)
		if c.err != "" {
			if err == nil || !strings.HasPrefix(err.Error(), c.err) {
				t.Errorf("%s: error %v, want %q…", c.line, err, c.err)
			}
			continue
		}
		if err != nil || !strings.Contains(out.String(), c.out) {
			t.Errorf("%s: %q, %v; want output with %q", c.line, out.String(), err, c.out)
		}
	}
}
