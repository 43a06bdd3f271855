package chord

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/chordsim/chordsim/sim"
)

// Tests of the protocol-choice knobs of issue 18 that no message
// interleaving shows (those are scenario scripts 40–43): each checks that
// the knob changes what its documentation claims, against the law or the
// count the documentation states.

func knobRing(t *testing.T, cfg Config, n int) (*Ring, *sim.Scheduler) {
	t.Helper()
	s := sim.NewScheduler()
	r, err := New(s, Options{Config: cfg, Net: sim.NetConfig{Latency: sim.Latency{Kind: sim.Constant, A: 10 * sim.Millisecond}}, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	if n > 0 {
		if err := r.BootstrapIdeal(n); err != nil {
			t.Fatal(err)
		}
	}
	return r, s
}

// TestTimerLaws draws periods and first phases under each Config.Timers
// and compares them with the law the field's doc names: uniform on
// [p(1−j), p(1+j)], exponential of mean p, constant p.
func TestTimerLaws(t *testing.T) {
	const p = 30 * sim.Second
	const draws = 40000
	for _, tc := range []struct {
		timers Timers
		// the law's mean and standard deviation (seconds), and its
		// bounds of support
		mean, sd, lo, hi float64
		// P(X > 2p) under the law
		tail float64
	}{
		{TimersUniform, 30, 30 / math.Sqrt(12), 15, 45, 0},
		{TimersExponential, 30, 30, 0, math.Inf(1), math.Exp(-2)},
		{TimersConstant, 30, 0, 30, 30, 0},
	} {
		t.Run(tc.timers.String(), func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Timers = tc.timers
			r, _ := knobRing(t, cfg, 0)
			var sum, sq float64
			over := 0
			lo, hi := math.Inf(1), math.Inf(-1)
			for range draws {
				x := r.period(p).Seconds()
				sum += x
				sq += x * x
				lo, hi = min(lo, x), max(hi, x)
				if x > 60 {
					over++
				}
			}
			mean := sum / draws
			sd := math.Sqrt(sq/draws - mean*mean)
			// 5 standard errors of the mean, and 5 % on the spread.
			if se := tc.sd / math.Sqrt(draws); math.Abs(mean-tc.mean) > 5*se+1e-9 {
				t.Errorf("mean %.3f s, want %.3f ± %.3f", mean, tc.mean, 5*se)
			}
			if math.Abs(sd-tc.sd) > 0.05*tc.sd+1e-9 {
				t.Errorf("standard deviation %.3f s, want %.3f ± 5%%", sd, tc.sd)
			}
			if lo < tc.lo-1e-9 || hi > tc.hi+1e-9 {
				t.Errorf("draws span [%.3f, %.3f] s, outside the law's [%v, %v]", lo, hi, tc.lo, tc.hi)
			}
			got := float64(over) / draws
			if se := math.Sqrt(tc.tail * (1 - tc.tail) / draws); math.Abs(got-tc.tail) > 5*se+1e-9 {
				t.Errorf("P(period > 2p) = %.4f, want %.4f", got, tc.tail)
			}
			// The first phase: uniform on [0, p) unless memoryless.
			var psum float64
			for range draws {
				psum += r.phase(p).Seconds()
			}
			want := 15.0
			if tc.timers == TimersExponential {
				want = 30
			}
			if pm := psum / draws; math.Abs(pm-want) > 0.03*want {
				t.Errorf("mean first phase %.3f s, want %.1f", pm, want)
			}
		})
	}
}

// TestFixFingersRandomLevels: fix_fingers random repairs one level per
// call, drawn uniformly from 1..m−1; one repairs them in order. A node's
// fingers are wiped, then each call's repaired level is read off the
// table.
func TestFixFingersRandomLevels(t *testing.T) {
	const m, calls = 12, 2200
	for _, mode := range []FixMode{FixRandom, FixOne} {
		t.Run(mode.String(), func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Bits, cfg.Successors = m, 4
			cfg.StabilizeEvery, cfg.FixFingersEvery, cfg.CheckPredecessorEvery = 0, 0, 0
			cfg.FixFingers = mode
			r, s := knobRing(t, cfg, 40)
			n := Handle(0)
			counts := make([]int, m)
			var seq []int
			for range calls {
				f := r.fingerTable(n)
				for i := 1; i < m; i++ {
					f[i] = noFinger
				}
				r.fixFingers(n)
				if err := drain(s); err != nil {
					t.Fatal(err)
				}
				set := 0
				for i := 1; i < m; i++ {
					if f[i].h != None {
						set++
						counts[i]++
						seq = append(seq, i)
					}
				}
				if mode == FixRandom && set != 1 {
					t.Fatalf("a random call set %d levels, want 1", set)
				}
			}
			if mode == FixOne {
				// In order: the levels a call sets are consecutive, and a
				// call takes up where the last one stopped.
				for i := 1; i < len(seq) && i < 200; i++ {
					if seq[i] != seq[i-1]+1 && seq[i] > seq[i-1] {
						t.Fatalf("one: levels %v are not in order", seq[:i+1])
					}
				}
				return
			}
			// Uniform over 1..m−1: a chi-square test with m−2 = 10
			// degrees of freedom at the 0.1 % level (29.59).
			exp := float64(calls) / float64(m-1)
			chi := 0.0
			for i := 1; i < m; i++ {
				d := float64(counts[i]) - exp
				chi += d * d / exp
			}
			if chi > 29.59 {
				t.Errorf("levels %v are not uniform over 1..%d (χ² = %.1f)", counts[1:], m-1, chi)
			}
		})
	}
}

// TestStabilizeSuccessorPlusOne: with stabilize successor+one the
// fix_fingers timer does not run, and about half the stabilize rounds
// also repair one finger (T03 §V-A); with successor, fingers follow their
// own timer. Counted on an ideal ring of 64 nodes over 2 hours, with no
// user lookups: rounds by get_predecessor requests, finger repairs by
// find_successor requests (every finger lookup sends at least one).
func TestStabilizeSuccessorPlusOne(t *testing.T) {
	run := func(mode StabilizeMode) (rounds, fingerLookups float64) {
		cfg := DefaultConfig()
		cfg.Bits, cfg.Successors = 16, 4
		cfg.CheckPredecessorEvery = 0
		cfg.Stabilize = mode
		r, s := knobRing(t, cfg, 64)
		s.RunUntil(s.Now().Add(2 * sim.Hour))
		sent := r.MessagesSent()
		return float64(sent[MsgGetPredecessor]), float64(sent[MsgFindSuccessor])
	}
	rounds, finds := run(StabilizeSuccessorPlusOne)
	// Each round repairs a finger with probability 1/2; a repair on an
	// ideal ring is a lookup whose first step is local, and it costs one
	// find_successor per remote hop (at least one).
	if rounds < 15000 || finds < 0.4*rounds || finds > 3*rounds {
		t.Errorf("successor+one: %v rounds, %v find_successor", rounds, finds)
	}
	r2, f2 := run(StabilizeSuccessor)
	// Same stabilize timer; fingers now on their own 30 s timer: one
	// finger lookup per call, twice successor+one's rate.
	if math.Abs(r2-rounds) > 0.05*rounds {
		t.Errorf("stabilize rounds %v vs %v: the mode should not change them", r2, rounds)
	}
	if f2 < 1.6*finds || f2 > 2.4*finds {
		t.Errorf("successor: %v find_successor, want about twice successor+one's %v", f2, finds)
	}
}

// TestPresetsAreTheirSimulators checks each preset's choices against the
// table of docs/papers-simulators.md, and that explicit fields win.
func TestPresetsAreTheirSimulators(t *testing.T) {
	def := DefaultConfig()
	if got := preset(ProtocolZave); got != def {
		t.Errorf("preset zave is not the defaults:\n%+v\n%+v", got, def)
	}
	if got := preset(ProtocolCustom); got.Protocol != ProtocolCustom || func() bool { got.Protocol = ProtocolZave; return got != def }() {
		t.Errorf("preset custom is not the defaults: %+v", got)
	}
	ts := preset(ProtocolToNSim)
	if ts.Variant != Original || ts.SuspectConfirm != 0 || ts.Stabilize != StabilizeSuccessorPlusOne || !ts.NotifyOldPredecessor ||
		ts.ForgetOnTimeout != ForgetNone || ts.FallbackOwners || !ts.StabilizeOnJoin || ts.Detect != DetectOracle || ts.Routing != FingersAndSuccessors {
		t.Errorf("ton-sim: %+v", ts)
	}
	s1 := preset(ProtocolS01Sim)
	if s1.Variant != Original || !s1.PurgeDeparted || !s1.PurgeToFinger || !s1.Learn || s1.FingerLookupRandomStart != 8 || s1.FixFingers != FixRandom || s1.Routing != FingersOnly || s1.StabilizeOnJoin || s1.Detect != DetectOracle || s1.Timers != TimersUniform {
		t.Errorf("s01-sim: %+v", s1)
	}
	tn := preset(ProtocolToN)
	if tn.Variant != Original || tn.SuspectConfirm != 0 || tn.NotifyOldPredecessor || tn.FallbackOwners || tn.Detect != DetectTimeout {
		t.Errorf("ton: %+v", tn)
	}
	c := DefaultConfig()
	c.FixFingers = FixAll
	ApplyPreset(&c, ProtocolS01Sim, func(k string) bool { return k == "fix_fingers" })
	if c.FixFingers != FixAll || c.Routing != FingersOnly || c.Protocol != ProtocolS01Sim {
		t.Errorf("an explicit field did not override the preset: %+v", c)
	}
	// Every key a preset sets is a field of Config.
	for _, k := range PresetKeys() {
		found := false
		for _, f := range []string{"routing", "fix_fingers", "variant", "suspect_confirm", "timers", "stabilize", "notify_old_predecessor", "forget_on_timeout", "fallback_owners", "stabilize_on_join", "purge_departed", "purge_to_finger", "learn", "finger_lookup_random_start", "detect"} {
			found = found || f == k
		}
		if !found {
			t.Errorf("preset key %q", k)
		}
	}
}

// TestPurgeDeparted: with purge_departed a failed or departed node is in
// no member's successor list, fingers or predecessor right after it goes;
// without it, the failed node's neighbours still name it.
func TestPurgeDeparted(t *testing.T) {
	for _, purge := range []bool{true, false} {
		cfg := DefaultConfig()
		cfg.Bits, cfg.Successors = 16, 4
		cfg.StabilizeEvery, cfg.FixFingersEvery, cfg.CheckPredecessorEvery = 0, 0, 0
		cfg.PurgeDeparted = purge
		r, _ := knobRing(t, cfg, 32)
		gone := []Handle{r.oracle.handles[5], r.oracle.handles[20]}
		if err := r.Fail(gone[0]); err != nil {
			t.Fatal(err)
		}
		if err := r.Leave(gone[1]); err != nil {
			t.Fatal(err)
		}
		named := 0
		for _, n := range r.oracle.handles {
			for _, g := range gone {
				if r.pred[n] == g {
					named++
				}
				for _, x := range r.succList(n) {
					if x == g {
						named++
					}
				}
				for _, f := range r.fingerTable(n) {
					if f.h == g {
						named++
					}
				}
			}
		}
		if purge && named != 0 {
			t.Errorf("purge on: %d table entries still name a departed node", named)
		}
		if !purge && named == 0 {
			t.Error("purge off: no table names the departed nodes; the test shows nothing")
		}
	}
}

// TestForgetText: forget_on_timeout's names read back as written, the
// boolean spellings of older configs are aliases, and an out-of-range
// value fails validation with the field's name.
func TestForgetText(t *testing.T) {
	for f := ForgetInitiator; f <= ForgetNamer; f++ {
		b, err := f.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseForget(string(b))
		if err != nil || back != f {
			t.Errorf("%q reads back as %v (%v), want %v", b, back, err, f)
		}
	}
	for text, want := range map[string]Forget{"true": ForgetInitiator, "false": ForgetNone} {
		if got, err := ParseForget(text); err != nil || got != want {
			t.Errorf("%q reads as %v (%v), want %v", text, got, err, want)
		}
	}
	if _, err := ParseForget("yes"); err == nil {
		t.Error(`"yes" was accepted`)
	}
	c := DefaultConfig()
	c.ForgetOnTimeout = ForgetNamer + 1
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "forget_on_timeout") {
		t.Errorf("an out-of-range forget_on_timeout gave %v", err)
	}
}

// TestForgetOnTimeoutWho: T03 Table II's setting (stabilization stopped,
// a third of the nodes failed at once, liveness from the simulator), the
// same lookups on the same ring under each forget_on_timeout rule. Every
// lookup still finds its owner, and the more nodes learn from a timeout,
// the fewer timeouts the later lookups meet: none (nobody forgets) meets
// the most; initiator (each origin forgets what it met) fewer; namer
// fewest, since a node that named a silent hop sits on the paths of many
// origins and forgets it for all of them.
func TestForgetOnTimeoutWho(t *testing.T) {
	timeouts := map[Forget]int{}
	for _, rule := range []Forget{ForgetNone, ForgetInitiator, ForgetNamer} {
		cfg := staticConfig(32)
		cfg.Successors = 8
		cfg.Variant, cfg.SuspectConfirm = Original, 0
		cfg.Detect = DetectOracle
		cfg.LookupRetries = 64
		cfg.ForgetOnTimeout = rule
		r, s, c := testRing(t, cfg, 3)
		if err := r.BootstrapIdeal(300); err != nil {
			t.Fatal(err)
		}
		o := r.Oracle()
		var failed []Handle
		for i := 0; i < o.Len(); i += 3 {
			_, h := o.At(i)
			failed = append(failed, h)
		}
		for _, h := range failed {
			if err := r.Fail(h); err != nil {
				t.Fatal(err)
			}
		}
		rng := sim.Stream(5, "keys")
		for batch := 0; batch < 40; batch++ {
			for i := 0; i < 50; i++ {
				_, h := o.At(rng.IntN(o.Len()))
				r.Lookup(h, r.space.FromUint64(rng.Uint64()), userTag(0))
			}
			for r.InFlight() > 0 && s.Step() {
			}
		}
		for _, x := range c.res {
			if x.Outcome != Correct {
				t.Fatalf("%v: a lookup ended %v", rule, x.Outcome)
			}
			timeouts[rule] += x.Timeouts
		}
		if len(c.res) != 2000 {
			t.Fatalf("%v: %d lookups ended, want 2000", rule, len(c.res))
		}
	}
	t.Logf("timeouts in 2,000 lookups: none %d, initiator %d, namer %d", timeouts[ForgetNone], timeouts[ForgetInitiator], timeouts[ForgetNamer])
	if !(timeouts[ForgetNone] > timeouts[ForgetInitiator] && timeouts[ForgetInitiator] > timeouts[ForgetNamer] && timeouts[ForgetNamer] > 0) {
		t.Errorf("timeouts none %d, initiator %d, namer %d: want none > initiator > namer > 0",
			timeouts[ForgetNone], timeouts[ForgetInitiator], timeouts[ForgetNamer])
	}
}

// TestCountOwnerTimeouts: a lookup whose owner candidate has failed
// times out on the check that the owner is alive, and one whose first hop
// has failed times out on that hop. count_owner_timeouts true reports
// both; false only the hop's (T03's simulator never contacts the owner).
// Both lookups find the live owner either way.
func TestCountOwnerTimeouts(t *testing.T) {
	for _, count := range []bool{true, false} {
		cfg := staticConfig(16)
		cfg.Successors = 4
		cfg.Variant, cfg.SuspectConfirm = Original, 0
		cfg.Detect = DetectOracle
		cfg.CountOwnerTimeouts = count
		r, s, c := testRing(t, cfg, 2)
		if err := r.BootstrapIdeal(32); err != nil {
			t.Fatal(err)
		}
		o := r.Oracle()
		_, p := o.At(4)
		_, d := o.At(5)
		_, origin := o.At(10)
		_, target := o.At(28)
		done, hop := r.decide(origin, r.ids[target])
		if done || hop == d || hop == p || hop == target {
			t.Fatalf("the ring does not fit the test: origin's step toward the target is %v %d", done, hop)
		}
		for _, h := range []Handle{d, hop} {
			if err := r.Fail(h); err != nil {
				t.Fatal(err)
			}
		}
		r.Lookup(p, r.ids[d], userTag(1))           // d's successor owns d's key now; p names d first
		r.Lookup(origin, r.ids[target], userTag(2)) // origin asks hop first
		for r.InFlight() > 0 && s.Step() {
		}
		if len(c.res) != 2 {
			t.Fatalf("count=%v: %d lookups ended", count, len(c.res))
		}
		wantOwner := 0
		if count {
			wantOwner = 1
		}
		for _, x := range c.res {
			want := 1
			if x.Tag.Op == 1 {
				want = wantOwner
			}
			if x.Outcome != Correct || x.Timeouts != want {
				t.Errorf("count=%v, lookup %d: %v with %d timeouts, want correct with %d", count, x.Tag.Op, x.Outcome, x.Timeouts, want)
			}
		}
	}
}

// TestPurgeToFinger: when a member's successor fails under purge_departed,
// purge_to_finger gives it the successor S01's churn simulator does
// (sim/new leave.c:80–91), computed here from the sorted identifiers: the
// owner of n + 2^i for the lowest level i ≥ 1 whose owner is not the
// failed node, which may skip live nodes; without it the member takes the
// next live node. Each victim fails in a fresh ideal ring, so the fingers
// are the exact owners the brute force computes.
func TestPurgeToFinger(t *testing.T) {
	const n = 32
	for _, toFinger := range []bool{true, false} {
		skipped := 0
		for v := range n {
			cfg := DefaultConfig()
			cfg.Bits, cfg.Successors = 16, 4
			cfg.StabilizeEvery, cfg.FixFingersEvery, cfg.CheckPredecessorEvery = 0, 0, 0
			cfg.PurgeDeparted, cfg.PurgeToFinger = true, toFinger
			r, _ := knobRing(t, cfg, n)
			// Brute force over the identifiers before the failure.
			ids := make([]uint64, 0, n)
			byID := map[uint64]Handle{}
			for _, h := range r.oracle.handles {
				ids = append(ids, uint64(r.ids[h]))
				byID[uint64(r.ids[h])] = h
			}
			slices.Sort(ids)
			owner := func(x uint64) Handle {
				x &= 1<<16 - 1
				for _, id := range ids {
					if id >= x {
						return byID[id]
					}
				}
				return byID[ids[0]]
			}
			gone := byID[ids[v]]
			pred := byID[ids[(v+n-1)%n]]
			next := byID[ids[(v+1)%n]]
			want := next
			if toFinger {
				want = pred // no level names another node
				for i := 1; i < 16; i++ {
					if o := owner(uint64(r.ids[pred]) + 1<<i); o != gone {
						want = o
						break
					}
				}
			}
			if err := r.Fail(gone); err != nil {
				t.Fatal(err)
			}
			l := r.succList(pred)
			if l[0] != want {
				t.Errorf("purge_to_finger=%v, victim %d: successor %d, want %d", toFinger, v, l[0], want)
			}
			if r.fingerTable(pred)[0].h != l[0] {
				t.Errorf("purge_to_finger=%v, victim %d: finger 0 is %d, the successor %d", toFinger, v, r.fingerTable(pred)[0].h, l[0])
			}
			if toFinger && l[1] != None {
				t.Errorf("victim %d: successor list %v, want one entry (the simulator keeps one successor)", v, l)
			}
			if l[0] != next {
				skipped++
			}
		}
		// The knob must show: some replacements skip the next live node
		// (with n = 32 in 2^16 identifiers, about a third do), and none
		// do without it.
		if toFinger && skipped == 0 {
			t.Error("purge_to_finger: no replacement skipped a live node; the test shows nothing")
		}
		if !toFinger && skipped != 0 {
			t.Errorf("purge_to_finger off: %d replacements skipped the next live node", skipped)
		}
	}
}
