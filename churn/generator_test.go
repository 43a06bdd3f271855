package churn

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/chordsim/chordsim/sim"
)

// Counts over a long window must be within 5 standard deviations of
// rate·duration (a Poisson count has variance equal to its mean), and the
// mean gap between arrivals within 5 standard errors of 1/rate.
func TestPoissonCounts(t *testing.T) {
	tests := []struct {
		name string
		p    Poisson
	}{
		{"joins only", Poisson{JoinRate: 2}},
		{"mixed", Poisson{JoinRate: 0.5, FailRate: 0.2, LeaveRate: 0.1}},
		{"departures only", Poisson{FailRate: 0.05, LeaveRate: 0.05}},
	}
	const from, window = 100.0, 20_000.0
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := sim.NewScheduler()
			f := newFake(s, 5000) // enough that departures never find the ring empty
			h := tc.p.Start(s, f, sim.Stream(1, tc.name), secs(from), secs(from+window))
			s.Run()
			c := h.Counts()
			if c.Skipped != 0 {
				t.Errorf("skipped %d with a full ring", c.Skipped)
			}
			for _, r := range []struct {
				op   string
				rate float64
				got  int
			}{{"join", tc.p.JoinRate, c.Joins}, {"fail", tc.p.FailRate, c.Fails}, {"leave", tc.p.LeaveRate, c.Leaves}} {
				if logged := f.count(r.op); logged != r.got {
					t.Errorf("%s: Counts says %d, target saw %d", r.op, r.got, logged)
				}
				want := r.rate * window
				if math.Abs(float64(r.got)-want) > 5*math.Sqrt(want) {
					t.Errorf("%s: %d events, want %.0f ± %.0f", r.op, r.got, want, 5*math.Sqrt(want))
				}
				if r.rate == 0 {
					continue
				}
				var times []float64
				for _, x := range f.calls {
					if x.op == r.op {
						times = append(times, x.at.Seconds())
					}
				}
				gaps := float64(len(times) - 1)
				mean := (times[len(times)-1] - times[0]) / gaps
				if se := 1 / r.rate / math.Sqrt(gaps); math.Abs(mean-1/r.rate) > 5*se {
					t.Errorf("%s: mean gap %.4fs, want %.4fs ± %.4f", r.op, mean, 1/r.rate, 5*se)
				}
			}
		})
	}
}

// Nothing happens outside [from, until), and NoEnd keeps the processes
// going for as long as the scheduler runs.
func TestPoissonWindow(t *testing.T) {
	p := Poisson{JoinRate: 1, FailRate: 0.5, LeaveRate: 0.5}
	tests := []struct {
		name        string
		from, until sim.Time
		runTo       sim.Time
	}{
		{"closed", secs(1000), secs(1100), sim.MaxTime},
		{"starts at zero", 0, secs(50), sim.MaxTime},
		{"open", secs(10), NoEnd, secs(200)},
		{"empty", secs(10), secs(10), sim.MaxTime},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := sim.NewScheduler()
			f := newFake(s, 100)
			h := p.Start(s, f, sim.Stream(2, "window"), tc.from, tc.until)
			if tc.runTo == sim.MaxTime {
				s.Run()
			} else {
				s.RunUntil(tc.runTo)
			}
			end := tc.until
			if end == NoEnd {
				end = tc.runTo + 1
			}
			for _, c := range f.calls {
				if c.at < tc.from || c.at >= end {
					t.Errorf("%s at %v, outside [%v, %v)", c.op, c.at, tc.from, end)
				}
			}
			n := len(f.calls) + h.Counts().Skipped
			span := end.Sub(tc.from).Seconds() * 2 // total rate 2/s
			if span > 0 && math.Abs(float64(n)-span) > 5*math.Sqrt(span) {
				t.Errorf("%d events in the window, want about %.0f", n, span)
			}
			if span == 0 && n != 0 {
				t.Errorf("%d events in an empty window", n)
			}
			if tc.until == NoEnd && s.Pending() == 0 {
				t.Error("an open window stopped scheduling")
			}
		})
	}
}

// Departures with no live node are skipped and counted, never passed on.
func TestPoissonEmptyRing(t *testing.T) {
	s := sim.NewScheduler()
	f := newFake(s, 0)
	h := Poisson{FailRate: 1, LeaveRate: 1}.Start(s, f, sim.Stream(3, "empty"), 0, secs(100))
	s.Run()
	if len(f.calls) != 0 {
		t.Errorf("target got %v", f.log)
	}
	if c := h.Counts(); c.Skipped < 100 || c.Fails+c.Leaves != 0 {
		t.Errorf("counts %+v, want about 200 skipped and nothing else", c)
	}
}

// Every live node is equally likely to be the victim of a Poisson
// departure: the target's live set is fixed at 10 and the victims counted.
func TestPoissonVictimsUniform(t *testing.T) {
	s := sim.NewScheduler()
	ct := &countTarget{nopTarget: nopTarget{size: 10}}
	h := Poisson{FailRate: 1, LeaveRate: 1}.Start(s, ct, sim.Stream(4, "victims"), 0, secs(10_000))
	s.Run()
	c := h.Counts()
	total := c.Fails + c.Leaves
	if total < 19_000 {
		t.Fatalf("only %d departures", total)
	}
	want, sd := float64(total)/10, math.Sqrt(float64(total)*0.1*0.9)
	for i, hits := range ct.hits {
		if math.Abs(float64(hits)-want) > 5*sd {
			t.Errorf("live node %d picked %d times of %d, want about %.0f", i, hits, total, want)
		}
	}
}

// countTarget counts departures per node of a fixed live set.
type countTarget struct {
	nopTarget
	hits [10]int
}

func (c *countTarget) Fail(n Node)  { c.hits[n]++ }
func (c *countTarget) Leave(n Node) { c.hits[n]++ }

func TestPoissonValidate(t *testing.T) {
	tests := []struct {
		p       Poisson
		mention string
	}{
		{Poisson{}, ""},
		{Poisson{JoinRate: 1e9, FailRate: 0.5}, ""},
		{Poisson{FailRate: -0.5}, "fail_rate: -0.5 is negative; use a rate ≥ 0 in events per second"},
		{Poisson{JoinRate: math.NaN()}, "join_rate: NaN is not a number"},
		{Poisson{LeaveRate: math.Inf(1)}, "leave_rate: +Inf is above 1e+09"},
		{Poisson{LeaveRate: 2e9}, "leave_rate: 2e+09 is above"},
	}
	for _, tc := range tests {
		checkErr(t, tc.p.Validate(), tc.mention)
	}
}

// checkErr asserts that err is nil when mention is empty, and otherwise
// mentions it.
func checkErr(t *testing.T, err error, mention string) {
	t.Helper()
	switch {
	case mention == "" && err != nil:
		t.Errorf("unexpected error: %v", err)
	case mention != "" && err == nil:
		t.Errorf("no error, want one mentioning %q", mention)
	case mention != "" && !strings.Contains(err.Error(), mention):
		t.Errorf("error %q does not mention %q", err, mention)
	}
}

// Start refuses an invalid generator and a window in the past: both are
// programming errors that would otherwise produce a silently wrong run.
func TestStartPanics(t *testing.T) {
	tests := []struct {
		name    string
		start   func(s *sim.Scheduler)
		mention string
	}{
		{"invalid", func(s *sim.Scheduler) {
			Poisson{FailRate: -1}.Start(s, newFake(s, 1), sim.Stream(1), 0, NoEnd)
		}, "fail_rate"},
		{"past", func(s *sim.Scheduler) {
			s.RunUntil(secs(10))
			MassFailure{Fraction: 0.5}.Start(s, newFake(s, 1), sim.Stream(1), secs(5), NoEnd)
		}, "before now"},
		{"nil trace", func(s *sim.Scheduler) {
			var tr *Trace
			tr.Start(s, newFake(s, 1), nil, 0, NoEnd)
		}, "no trace loaded"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if msg, _ := r.(string); !strings.Contains(msg, tc.mention) {
					t.Errorf("panic %v, want one mentioning %q", r, tc.mention)
				}
			}()
			tc.start(sim.NewScheduler())
		})
	}
}

// With constant sessions and down times the schedule is known exactly.
// Window [100s, 140s), session 10s, down time 5s, initial nodes 0 and 1:
// both depart at 110s, come back at 115s, depart at 125s, come back at 130s;
// their next departure, 140s, is outside the window.
func TestSessionsSchedule(t *testing.T) {
	tests := []struct {
		name   string
		depart Departure
		rejoin Rejoin
		want   []string
		counts Counts
	}{
		{"fail new", Fail, RejoinNew, []string{
			"1m50s fail 0", "1m50s fail 1",
			"1m55s join(-1)=2", "1m55s join(-1)=3",
			"2m5s fail 2", "2m5s fail 3",
			"2m10s join(-1)=4", "2m10s join(-1)=5",
		}, Counts{Joins: 4, Fails: 4}},
		{"leave same", Leave, RejoinSame, []string{
			"1m50s leave 0", "1m50s leave 1",
			"1m55s join(0)=2", "1m55s join(1)=3",
			"2m5s leave 2", "2m5s leave 3",
			"2m10s join(2)=4", "2m10s join(3)=5",
		}, Counts{Joins: 4, Leaves: 4}},
		{"fail never", Fail, RejoinNever, []string{"1m50s fail 0", "1m50s fail 1"}, Counts{Fails: 2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := sim.NewScheduler()
			f := newFake(s, 2)
			g := Sessions{Session: mustDist("const:10s"), Downtime: mustDist("const:5s"), Depart: tc.depart, Rejoin: tc.rejoin}
			h := g.Start(s, f, sim.Stream(1, "sessions"), secs(100), secs(140))
			s.Run()
			if !slices.Equal(f.log, tc.want) {
				t.Errorf("calls\n%q\nwant\n%q", f.log, tc.want)
			}
			if h.Counts() != tc.counts {
				t.Errorf("counts %+v, want %+v", h.Counts(), tc.counts)
			}
			if tc.rejoin == RejoinSame {
				// Same identifier: each new incarnation carries its
				// predecessor's identifier.
				for _, c := range f.calls {
					if c.op == "join" && f.ident[c.node] != f.ident[c.like] {
						t.Errorf("node %d has identifier %d, its predecessor %d has %d", c.node, f.ident[c.node], c.like, f.ident[c.like])
					}
				}
			}
		})
	}
}

// Sessions drives the nodes live at from (including one that joined just
// before) and the nodes it starts, not nodes others add later; a node that
// another generator removed is not failed again, but still comes back.
func TestSessionsWithOthers(t *testing.T) {
	s := sim.NewScheduler()
	f := newFake(s, 2)
	at(s, secs(50), func() { f.Join(-1) })  // node 2: live at from, driven
	at(s, secs(101), func() { f.Join(-1) }) // node 3: joined by someone else, not driven
	at(s, secs(105), func() { f.Fail(1) })  // someone else fails node 1
	g := Sessions{Session: mustDist("const:10s"), Downtime: mustDist("const:5s")}
	h := g.Start(s, f, sim.Stream(1, "others"), secs(100), secs(120))
	s.Run()
	want := []string{
		"50s join(-1)=2",
		"1m41s join(-1)=3",
		"1m45s fail 1",
		"1m50s fail 0", "1m50s fail 2", // node 1 skipped
		"1m55s join(-1)=4", "1m55s join(-1)=5", "1m55s join(-1)=6", // node 1's rejoin still happens
	}
	if !slices.Equal(f.log, want) {
		t.Errorf("calls\n%q\nwant\n%q", f.log, want)
	}
	if c := h.Counts(); c != (Counts{Joins: 3, Fails: 2, Skipped: 1}) {
		t.Errorf("counts %+v", c)
	}
	if !f.Alive(3) {
		t.Error("node 3, not driven by Sessions, was removed")
	}
}

// With random sessions, the up times the target sees have the configured
// mean, and every up time is followed by a down time of the configured
// mean before the rejoin.
func TestSessionsRandom(t *testing.T) {
	s := sim.NewScheduler()
	const n = 200
	f := newFake(s, n)
	g := Sessions{Session: mustDist("exp:100s"), Downtime: mustDist("weibull:50s,2"), Depart: Leave, Rejoin: RejoinSame}
	g.Start(s, f, sim.Stream(5, "random"), 0, secs(20_000))
	s.Run()
	up := map[Node]sim.Time{}   // join time of each node; looked up, never iterated
	down := map[Node]sim.Time{} // departure time of each node
	for i := range n {
		up[Node(i)] = 0
	}
	var upSum, downSum float64
	var ups, downs int
	for _, c := range f.calls {
		switch c.op {
		case "join":
			up[c.node] = c.at
			downSum += c.at.Sub(down[c.like]).Seconds()
			downs++
		case "leave":
			down[c.node] = c.at
			upSum += c.at.Sub(up[c.node]).Seconds()
			ups++
		}
	}
	// About n·20000/150 ≈ 27000 cycles: the sample means are within ~1%.
	if mean := upSum / float64(ups); math.Abs(mean-100) > 3 {
		t.Errorf("mean session %.1fs over %d sessions, want 100s", mean, ups)
	}
	if mean := downSum / float64(downs); math.Abs(mean-50) > 1.5 {
		t.Errorf("mean down time %.1fs over %d, want 50s", mean, downs)
	}
}

func TestSessionsOff(t *testing.T) {
	s := sim.NewScheduler()
	f := newFake(s, 5)
	Sessions{}.Start(s, f, sim.Stream(1), 0, NoEnd)
	s.Run()
	if len(f.calls) != 0 || s.Fired() != 0 {
		t.Errorf("a zero Sessions did %v (%d events)", f.log, s.Fired())
	}
}

func TestSessionsValidate(t *testing.T) {
	exp := mustDist("exp:1h")
	tests := []struct {
		g       Sessions
		mention string
	}{
		{Sessions{}, ""},
		{Sessions{Session: exp, Downtime: exp}, ""},
		{Sessions{Session: exp, Rejoin: RejoinNever}, ""},
		{Sessions{Session: exp}, "downtime: none, but rejoin is new"},
		{Sessions{Session: exp, Rejoin: RejoinSame}, "rejoin is same"},
		{Sessions{Session: Dist{Kind: Pareto, A: sim.Hour, Shape: 1}, Downtime: exp}, "session: pareto:1h0m0s,1: shape 1 must be greater than 1"},
		{Sessions{Session: exp, Downtime: Dist{Kind: Constant}}, "downtime: const:0s"},
		{Sessions{Session: exp, Downtime: exp, Depart: 7}, "depart: Departure(7) is not a departure; use fail or leave"},
		{Sessions{Session: exp, Downtime: exp, Rejoin: 9}, "rejoin: Rejoin(9) is not a rejoin policy; use new, same or never"},
	}
	for _, tc := range tests {
		checkErr(t, tc.g.Validate(), tc.mention)
	}
}

func TestParsePolicies(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Departure
	}{{"fail", Fail}, {"leave", Leave}} {
		var d Departure
		if err := d.UnmarshalText([]byte(tc.in)); err != nil || d != tc.want {
			t.Errorf("departure %q: %v, %v", tc.in, d, err)
		}
		if b, _ := d.MarshalText(); string(b) != tc.in {
			t.Errorf("departure %v marshals to %q", d, b)
		}
	}
	for _, tc := range []struct {
		in   string
		want Rejoin
	}{{"new", RejoinNew}, {"same", RejoinSame}, {"never", RejoinNever}} {
		var r Rejoin
		if err := r.Set(tc.in); err != nil || r != tc.want || r.String() != tc.in {
			t.Errorf("rejoin %q: %v, %v", tc.in, r, err)
		}
	}
	bad := []struct {
		err     error
		mention string
	}{
		{func() error { _, err := ParseDeparture("crash"); return err }(), `"crash" is not a departure; valid values are fail and leave`},
		{func() error { _, err := ParseDeparture(""); return err }(), "fail and leave"},
		{func() error { _, err := ParseRejoin("sometimes"); return err }(), `"sometimes" is not a rejoin policy; valid values are new, same and never`},
		{func() error { _, err := ParseRejoin("NEW"); return err }(), "new, same and never"},
	}
	for _, b := range bad {
		checkErr(t, b.err, b.mention)
	}
	d := Leave
	if d.Set("bogus") == nil || d != Leave {
		t.Error("a failed Set changed the departure")
	}
}

// MassFailure fails exactly round(p·N) distinct live nodes, all at from+At.
func TestMassFailure(t *testing.T) {
	tests := []struct {
		live     int
		fraction float64
		want     int
	}{
		{1000, 0.3, 300},
		{1000, 0.5, 500},
		{7, 0.5, 4},   // 3.5 rounds away from zero
		{10, 0.25, 3}, // 2.5 too
		{10, 0.24, 2},
		{10, 1, 10},
		{10, 0, 0},
		{0, 0.5, 0},
		{1, 0.4, 0},
		{1, 0.5, 1},
	}
	for _, tc := range tests {
		s := sim.NewScheduler()
		f := newFake(s, tc.live)
		m := MassFailure{At: 30 * sim.Second, Fraction: tc.fraction}
		h := m.Start(s, f, sim.Stream(6, "mass"), secs(10), NoEnd)
		s.Run()
		if got := f.count("fail"); got != tc.want || h.Counts() != (Counts{Fails: tc.want}) {
			t.Errorf("%d live, fraction %v: %d fails (counts %+v), want %d", tc.live, tc.fraction, got, h.Counts(), tc.want)
		}
		seen := map[Node]bool{}
		for _, c := range f.calls {
			if c.at != secs(40) {
				t.Errorf("fail at %v, want 40s", c.at)
			}
			if seen[c.node] {
				t.Errorf("node %d failed twice", c.node)
			}
			seen[c.node] = true
		}
		if len(f.live) != tc.live-tc.want {
			t.Errorf("%d live after, want %d", len(f.live), tc.live-tc.want)
		}
	}
}

// The victims are resolved before any fails, so the choice is uniform even
// though the fake reorders its live list on every failure: every node is
// hit with probability p.
func TestMassFailureUniform(t *testing.T) {
	const trials, n, p = 3000, 10, 0.3
	var hits [n]int
	rng := sim.Stream(7, "uniform")
	for range trials {
		s := sim.NewScheduler()
		f := newFake(s, n)
		MassFailure{Fraction: p}.Start(s, f, rng, 0, NoEnd)
		s.Run()
		for _, c := range f.calls {
			hits[c.node]++
		}
	}
	want, sd := trials*p, math.Sqrt(trials*p*(1-p))
	for i, h := range hits {
		if math.Abs(float64(h)-want) > 5*sd {
			t.Errorf("node %d failed in %d of %d trials, want about %.0f", i, h, trials, want)
		}
	}
}

// A mass failure at or after until does not happen; one just before does,
// and one so late that from+At saturates never does.
func TestMassFailureWindow(t *testing.T) {
	tests := []struct {
		at    sim.Duration
		until sim.Time
		fails int
	}{
		{0, secs(100) + 1, 5},
		{10 * sim.Second, secs(110), 0}, // until is excluded
		{10 * sim.Second, secs(110) + 1, 5},
		{10 * sim.Second, NoEnd, 5},
		{sim.Duration(sim.MaxTime), NoEnd, 0},
	}
	for _, tc := range tests {
		s := sim.NewScheduler()
		f := newFake(s, 10)
		MassFailure{At: tc.at, Fraction: 0.5}.Start(s, f, sim.Stream(8), secs(100), tc.until)
		s.Run()
		if len(f.calls) != tc.fails {
			t.Errorf("at %v, until %v: %d fails, want %d", tc.at, tc.until, len(f.calls), tc.fails)
		}
	}
}

func TestMassFailureValidate(t *testing.T) {
	tests := []struct {
		m       MassFailure
		mention string
	}{
		{MassFailure{}, ""},
		{MassFailure{At: sim.Hour, Fraction: 1}, ""},
		{MassFailure{Fraction: 1.5}, "fraction: 1.5 is outside [0, 1]; use e.g. 0.5"},
		{MassFailure{Fraction: -0.1}, "fraction: -0.1 is outside"},
		{MassFailure{Fraction: math.NaN()}, "fraction: NaN is outside"},
		{MassFailure{At: -sim.Second, Fraction: 0.5}, "at: -1s is negative"},
	}
	for _, tc := range tests {
		checkErr(t, tc.m.Validate(), tc.mention)
	}
}

// workload runs every generator together against a fake and returns the
// calls, for the determinism tests.
func workload(t *testing.T, seed uint64, sessions bool) *fake {
	t.Helper()
	s := sim.NewScheduler()
	f := newFake(s, 50)
	tr, err := ParseTrace(strings.NewReader("5 join alice\n60 fail #2\n61 fail alice\n90 join alice\n"), "w.trace", 50)
	if err != nil {
		t.Fatal(err)
	}
	gens := []Generator{Poisson{JoinRate: 0.2, FailRate: 0.1, LeaveRate: 0.1}, MassFailure{At: 50 * sim.Second, Fraction: 0.2}, tr}
	if sessions {
		gens = append(gens, Sessions{Session: mustDist("pareto:40s,1.5"), Downtime: mustDist("exp:10s"), Rejoin: RejoinSame})
	}
	for i, g := range gens {
		g.Start(s, f, Stream(seed, g, 0), secs(float64(i)), secs(200))
	}
	s.Run()
	return f
}

// Same seed, same calls in the same order; another seed, other calls.
func TestDeterminism(t *testing.T) {
	a, b, c := workload(t, 1, true), workload(t, 1, true), workload(t, 2, true)
	if len(a.log) < 100 {
		t.Fatalf("only %d calls; the workload is too small to compare", len(a.log))
	}
	if !slices.Equal(a.log, b.log) {
		t.Error("two runs with seed 1 differ")
	}
	if slices.Equal(a.log, c.log) {
		t.Error("seeds 1 and 2 gave the same calls")
	}
}

// Turning the Sessions generator on must not move the Poisson joins: they
// draw from their own stream, and join times depend on nothing else.
func TestStreamsIndependent(t *testing.T) {
	joinTimes := func(f *fake) []sim.Time {
		var ts []sim.Time
		for _, c := range f.calls {
			if c.op == "join" && c.like == -1 && c.at >= 0 {
				ts = append(ts, c.at)
			}
		}
		return ts
	}
	without := joinTimes(workload(t, 3, false))
	// With sessions on, its rejoins pass like ≥ 0 (RejoinSame), so the
	// like = -1 joins are still exactly Poisson's.
	with := joinTimes(workload(t, 3, true))
	if len(without) < 10 || !slices.Equal(without, with) {
		t.Errorf("Poisson join times changed when Sessions was switched on:\n%v\n%v", without, with)
	}
}

func TestStream(t *testing.T) {
	a, b := Stream(9, Poisson{}, 0), sim.Stream(9, "churn", "poisson")
	for range 10 {
		if a.Uint64() != b.Uint64() {
			t.Fatal("Stream(seed, Poisson, 0) is not sim.Stream(seed, churn, poisson)")
		}
	}
	x, y := Stream(9, MassFailure{}, 0), Stream(9, MassFailure{}, 1)
	if x.Uint64() == y.Uint64() {
		t.Error("the first and second mass failure share a stream")
	}
	names := []string{Poisson{}.Name(), Sessions{}.Name(), MassFailure{}.Name(), (&Trace{}).Name()}
	if !slices.Equal(names, []string{"poisson", "sessions", "mass_failure", "trace"}) {
		t.Errorf("names %v", names)
	}
}

// Running generators allocate nothing per event: their events carry the
// node and the process in the event itself.
func TestNoAllocationPerEvent(t *testing.T) {
	var lines strings.Builder
	for i := range 2000 {
		lines.WriteString(sim.Duration(i * int(sim.Second)).String())
		if i%2 == 0 {
			lines.WriteString(" join n\n")
		} else {
			lines.WriteString(" fail n\n")
		}
	}
	tr, err := ParseTrace(strings.NewReader(lines.String()), "alloc", 0)
	if err != nil {
		t.Fatal(err)
	}
	gens := []Generator{
		Poisson{JoinRate: 1, FailRate: 1, LeaveRate: 1},
		Sessions{Session: mustDist("exp:10s"), Downtime: mustDist("weibull:5s,0.7"), Rejoin: RejoinSame},
		tr,
	}
	for _, g := range gens {
		s := sim.NewScheduler()
		g.Start(s, nopTarget{size: 100}, Stream(1, g, 0), 0, NoEnd)
		for range 500 { // let the queue reach its steady size
			s.Step()
		}
		if allocs := testing.AllocsPerRun(1000, func() { s.Step() }); allocs != 0 {
			t.Errorf("%s: %v allocations per event", g.Name(), allocs)
		}
	}
}
