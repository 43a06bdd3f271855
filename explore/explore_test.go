package explore

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chordsim/chordsim/chord"
	"github.com/chordsim/chordsim/chord/chordtest"
)

var zaveCampaigns = flag.Int("explore.campaigns", 60, "campaigns on variant zave in TestSmallCampaigns (the README's figures: 10000 from the CLI)")

// The shrinker on a planted bug: the check fails whenever "fail n3" comes
// before "stabilize n1", n3 is in the ideal ring and r ≥ 2. The only
// 1-minimal script is config r=2, ideal-ring n3, fail n3, stabilize n1.
func TestShrinkPlanted(t *testing.T) {
	lines := []string{"config m=6 r=4 variant=zave", "node n0 1", "node n1 9", "node n3 30", "ideal-ring n0 n1 n3"}
	for i := 0; i < 40; i++ {
		lines = append(lines, fmt.Sprintf("stabilize n%d", i%3))
		if i == 17 {
			lines = append(lines, "fail n3")
		}
	}
	planted := func(l []string) bool {
		f := slices.Index(l, "fail n3")
		s := slices.Index(l[max(f, 0):], "stabilize n1")
		ring := slices.IndexFunc(l, func(x string) bool {
			return strings.HasPrefix(x, "ideal-ring") && slices.Contains(strings.Fields(x), "n3")
		})
		return f > 0 && s > 0 && ring >= 0 && !strings.Contains(l[0], "r=1")
	}
	if !planted(lines) {
		t.Fatal("the planted bug does not fire on the full script")
	}
	got := Shrink(context.Background(), lines, planted, 10000)
	want := []string{"config m=6 r=2 variant=zave", "ideal-ring n3", "fail n3", "stabilize n1"}
	if !slices.Equal(got, want) {
		t.Errorf("shrunk to\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Same seed, same campaigns and the same report bytes, whatever the
// number of workers; another seed, other campaigns.
func TestDeterminism(t *testing.T) {
	o := Options{Variant: chord.Original, Campaigns: 24, Seed: 7, Faults: 1<<Crash | 1<<Join | 1<<Leave, MaxShrunk: 2}
	var texts []string
	for _, w := range []int{1, 2} {
		o.Workers = w
		rep, err := Run(context.Background(), context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		text, err := rep.Write(dir)
		if err != nil {
			t.Fatal(err)
		}
		// The report names its scripts by path; the folder differs.
		texts = append(texts, strings.ReplaceAll(text, dir, "OUT"))
	}
	if texts[0] != texts[1] {
		t.Errorf("reports differ between 1 and 2 workers:\n%s\n---\n%s", texts[0], texts[1])
	}
	a, err := generate(&o, 5)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := generate(&o, 5)
	if !slices.Equal(a.Lines, b.Lines) {
		t.Error("campaign 5 generated twice differs")
	}
	o.Seed = 8
	c, _ := generate(&o, 5)
	if slices.Equal(a.Lines, c.Lines) {
		t.Error("seeds 7 and 8 gave the same campaign 5")
	}
}

// A small campaign count on the correct variant over the faults it
// claims to tolerate finds nothing; on the original protocol it finds
// C1/C2's kind (no ring: AtLeastOneRing) and its shrunk script replays
// through the harness to the same bytes.
func TestSmallCampaigns(t *testing.T) {
	rep, err := Run(context.Background(), context.Background(), Options{Variant: chord.Zave, Campaigns: *zaveCampaigns, Seed: 1, Faults: Claimed, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 0 || rep.Run != *zaveCampaigns {
		t.Errorf("variant zave: %d campaigns, findings:\n%s", rep.Run, rep.Text())
	}
	rep, err = Run(context.Background(), context.Background(), Options{Variant: chord.Original, Campaigns: 30, Seed: 1, Faults: 1<<Crash | 1<<Join, Workers: 2, MaxShrunk: 3})
	if err != nil {
		t.Fatal(err)
	}
	var f *Finding
	for k := range rep.Findings {
		if rep.Findings[k].Fail.Sig == "invariant AtLeastOneRing" && rep.Findings[k].Script != "" {
			f = &rep.Findings[k]
			break
		}
	}
	if f == nil {
		t.Fatalf("original: no shrunk AtLeastOneRing finding in 30 campaigns:\n%s", rep.Text())
	}
	lines := strings.Split(strings.TrimRight(f.Script, "\n"), "\n")
	out, dirs := chordtest.Play(t, "finding", lines, 0)
	if out != f.Script {
		t.Errorf("the script does not replay to its own bytes:\n%s", chordtest.LineDiff(f.Script, out))
	}
	last := dirs[len(dirs)-1]
	if last.Cmd != "check all" || !strings.Contains(last.Got, "AtLeastOneRing") {
		t.Errorf("the script's last directive is %q printing %q; want check all showing AtLeastOneRing", last.Cmd, last.Got)
	}
	// Minimal: removing any one directive (not config) loses the failure.
	for i := 1; i < len(f.Shrunk); i++ {
		if strings.HasPrefix(f.Shrunk[i], "#") {
			continue
		}
		var cut []string
		for _, l := range append(slices.Clone(f.Shrunk[:i]), f.Shrunk[i+1:]...) {
			if l != "check all" {
				cut = append(cut, l)
			}
		}
		if o := evaluate(cut); o.Fail != nil && o.Fail.Sig == f.Fail.Sig && i < len(f.Shrunk)-1 {
			t.Errorf("the script still fails without directive %d (%s)", i, f.Shrunk[i])
		}
	}
}
