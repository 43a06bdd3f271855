package chord

// Presets (issue 18): each names the protocol and measurement choices of
// one paper's protocol or of the simulator behind its figures, as read in
// docs/papers-simulators.md (which cites the simulators' files and lines).
// A preset sets only choices, never sizes or periods: m, successors and
// the periods stay the experiment's.

// presetChoice is one field a preset sets: its yaml key and how to copy
// it from the preset's config.
type presetChoice struct {
	key  string
	copy func(dst, src *Config)
}

// presetChoices lists every field a preset sets, in the order of Config.
var presetChoices = []presetChoice{
	{"routing", func(d, s *Config) { d.Routing = s.Routing }},
	{"fix_fingers", func(d, s *Config) { d.FixFingers = s.FixFingers }},
	{"variant", func(d, s *Config) { d.Variant = s.Variant }},
	{"suspect_confirm", func(d, s *Config) { d.SuspectConfirm = s.SuspectConfirm }},
	{"timers", func(d, s *Config) { d.Timers = s.Timers }},
	{"stabilize", func(d, s *Config) { d.Stabilize = s.Stabilize }},
	{"notify_old_predecessor", func(d, s *Config) { d.NotifyOldPredecessor = s.NotifyOldPredecessor }},
	{"forget_on_timeout", func(d, s *Config) { d.ForgetOnTimeout = s.ForgetOnTimeout }},
	{"fallback_owners", func(d, s *Config) { d.FallbackOwners = s.FallbackOwners }},
	{"stabilize_on_join", func(d, s *Config) { d.StabilizeOnJoin = s.StabilizeOnJoin }},
	{"purge_departed", func(d, s *Config) { d.PurgeDeparted = s.PurgeDeparted }},
	{"purge_to_finger", func(d, s *Config) { d.PurgeToFinger = s.PurgeToFinger }},
	{"learn", func(d, s *Config) { d.Learn = s.Learn }},
	{"finger_lookup_random_start", func(d, s *Config) { d.FingerLookupRandomStart = s.FingerLookupRandomStart }},
	{"detect", func(d, s *Config) { d.Detect = s.Detect }},
}

// PresetKeys returns the yaml keys (within the chord section) of the
// fields a preset sets.
func PresetKeys() []string {
	keys := make([]string, len(presetChoices))
	for i, c := range presetChoices {
		keys[i] = c.key
	}
	return keys
}

// preset returns the defaults with preset p's choices.
func preset(p Protocol) Config {
	c := DefaultConfig()
	c.Protocol = p
	switch p {
	case ProtocolToN:
		// ToN Fig. 6 with §IV-E.3's successor list, acting at the first
		// timeout (§V-A: a 500 ms timeout declares a node dead).
		c.Variant, c.SuspectConfirm = Original, 0
		c.FallbackOwners = false // §IV-E.3: "trying the next best predecessor"
	case ProtocolToNSim:
		// T03 §V's simulator (sim/no-rpc, docs/papers-simulators.md §3).
		c.Variant, c.SuspectConfirm = Original, 0
		c.Stabilize = StabilizeSuccessorPlusOne // stabilize.c:54–55
		c.NotifyOldPredecessor = true           // finger.c:90–99; T03 §V-A
		c.ForgetOnTimeout = ForgetNone          // T03 Table II's text
		c.FallbackOwners = false                // request.c:281–289: back to the previous node
		c.StabilizeOnJoin = true                // join.c:65
		c.Detect = DetectOracle                 // request.c:277
	case ProtocolS01Sim:
		// S01 §6.5's churn simulator (sim/new, docs/papers-simulators.md §2).
		c.Variant, c.SuspectConfirm = Original, 0
		c.Routing = FingersOnly   // no successor list (node.h:27)
		c.FixFingers = FixRandom  // stabilize.c:120
		c.Detect = DetectOracle   // stabilize.c:42–46
		c.StabilizeOnJoin = false // join.c:54–60: first round 15–45 s later
		c.PurgeDeparted = true    // leave.c:76–105, node.c:195–204
		c.PurgeToFinger = true    // leave.c:80–91: the next higher finger
		// The skipped nodes the purge leaves are found again by learning
		// from every answer (node.c:135–147) and by the finger lookups the
		// simulator starts at a random member (stabilize.c:131–132).
		c.Learn = true
		c.FingerLookupRandomStart = 8
	}
	return c
}

// ApplyPreset sets c.Protocol to p and every choice of PresetKeys to p's,
// except those for which explicit(key) is true (the fields the config file
// sets, which override the preset). explicit may be nil.
func ApplyPreset(c *Config, p Protocol, explicit func(key string) bool) {
	src := preset(p)
	c.Protocol = p
	for _, ch := range presetChoices {
		if explicit == nil || !explicit(ch.key) {
			ch.copy(c, &src)
		}
	}
}
