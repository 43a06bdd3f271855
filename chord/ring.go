package chord

import (
	"cmp"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"unsafe"

	"github.com/chordsim/chordsim/internal/hugepage"
	"github.com/chordsim/chordsim/sim"
)

// State is where a node is in its life.
type State uint8

// Node states.
const (
	Idle    State = iota // created, not started
	Joining              // looking up its successor
	Member               // in the ring
	Failed               // crashed: silent from now on
	Left                 // departed gracefully
)

var stateNames = [...]string{"idle", "joining", "member", "failed", "left"}

func (s State) String() string { return stateNames[s] }

// Options configure a Ring.
type Options struct {
	Config     Config
	Net        sim.NetConfig
	Seed       uint64 // the run's seed; every stream of the ring derives from it
	UniformIDs bool   // draw identifiers uniformly instead of hashing node addresses with SHA-1

	reference bool // see Ring.reference; for tests
}

// Ring is one simulated Chord network: every node's protocol state, the
// network between them, and the oracle that measures them.
type Ring struct {
	cfg     Config
	space   Space
	tr      transport // the only way to the network and the clock
	oracle  Oracle
	uniform bool

	idRng, timerRng, joinRng *rand.Rand

	// The node table, indexed by handle (structure of arrays: a lookup hop
	// touches ids and fingers only).
	ids        []ID
	addrs      []uint64 // IPv4 address and port, for names
	host       []int32  // the real node a member runs on (virtual nodes, S01 §4.2)
	names      []string // explicit names; nil unless some node was named
	state      []State
	pred       []Handle
	succ       []Handle      // Successors() per node, None-padded
	fingers    []fingerEntry // Bits() per node; finger 0 mirrors the successor
	nextFinger []uint8
	fixing     []bool // a fix_fingers lookup of this node is in flight
	joining    map[ID]Handle
	// created holds the members that created their ring (Create) and whose
	// list has never held another node; for the invariant checker, which
	// allows such a member to list itself alone (see invariant.Node).
	created map[Handle]bool

	// Failure detection (detector.go): confirmations in progress, and the
	// members looking for a new successor after losing all of theirs.
	suspicions     []suspicion
	freeSuspicions []int32
	suspected      map[suspectKey]int32 // the suspicion in progress per (node, peer, action)
	repairing      map[Handle]bool

	// Recursive lookups that route around silent nodes (recursive.go).
	recs         []recStep
	freeRec      []int32
	lookupSerial uint64

	// hiShift turns an identifier into the 32-bit prefix that finger
	// entries carry (fingerEntry.hi): max(m − 32, 0).
	hiShift uint
	// reference makes the ring take its plain code paths only: every
	// routing comparison reads the finger's identifier, every lookup
	// answer is checked by searching the oracle, and Touch hints nothing.
	// Results are the same either way; tests set it to prove that.
	reference bool

	lookups     []lookup
	freeLookups []int32
	inFlight    int // user lookups started and not finished
	sent        [numMsgKinds]uint64
	scratch     []Handle
	result      LookupResult

	// Maintenance timers carry the epoch they were set in; stopping or
	// resuming maintenance starts a new epoch, so older timers lapse.
	maintEpoch uint64
	maintOff   bool

	log    []LogEntry // the last len(log) protocol events, a ring buffer; nil when off
	logPos int        // total entries written

	layers []Hooks // the layers above the ring, by LayerID (see Attach)
}

// Ring event kinds (timers).
const (
	evStabilize uint16 = iota
	evFixFingers
	evCheckPredecessor
	evJoin
	evLegTimeout // recursive.go: a leg of a recursive lookup went unanswered
)

// New creates an empty ring on scheduler s.
func New(s *sim.Scheduler, o Options) (*Ring, error) {
	if err := o.Config.Validate(); err != nil {
		return nil, err
	}
	if o.Net.Loss < 0 || o.Net.Loss >= 1 {
		return nil, fmt.Errorf("network loss %v outside [0,1)", o.Net.Loss)
	}
	r := &Ring{
		cfg:       o.Config,
		space:     MustSpace(o.Config.Bits),
		uniform:   o.UniformIDs,
		idRng:     sim.Stream(o.Seed, "ids"),
		timerRng:  sim.Stream(o.Seed, "timers"),
		joinRng:   sim.Stream(o.Seed, "join"),
		joining:   make(map[ID]Handle),
		repairing: make(map[Handle]bool),
		hiShift:   uint(max(o.Config.Bits-32, 0)),
		reference: o.reference,
	}
	r.oracle.reference = o.reference
	r.tr.sched = s
	r.tr.owner = s.Register(r)
	r.tr.net = sim.NewNetwork[Msg](s, r, o.Net, sim.Stream(o.Seed, "latency"), sim.Stream(o.Seed, "loss"))
	return r, nil
}

// Space is the ring's identifier space.
func (r *Ring) Space() Space { return r.space }

// Config is the protocol configuration.
func (r *Ring) Config() Config { return r.cfg }

// Oracle is the ground truth about membership.
func (r *Ring) Oracle() *Oracle { return &r.oracle }

// Host returns the real node that member h runs on. Real nodes are
// numbered 0..n−1; without virtual nodes a member is its own host.
func (r *Ring) Host(h Handle) int { return int(r.host[h]) }

// Nodes is the number of handles ever created.
func (r *Ring) Nodes() int { return len(r.ids) }

// ID returns a node's identifier.
func (r *Ring) ID(h Handle) ID { return r.ids[h] }

// State returns a node's life state.
func (r *Ring) State(h Handle) State { return r.state[h] }

// Predecessor returns what node h believes its predecessor is (None if unknown).
func (r *Ring) Predecessor(h Handle) Handle { return r.pred[h] }

// Successors returns node h's successor list (without padding). The slice
// aliases the ring's state: copy it to keep it.
func (r *Ring) Successors(h Handle) []Handle {
	l := r.succList(h)
	n := 0
	for n < len(l) && l[n] != None {
		n++
	}
	return l[:n]
}

// Finger returns node h's finger i (0 ≤ i < m); None if unknown.
func (r *Ring) Finger(h Handle, i int) Handle { return r.fingers[int(h)*r.cfg.Bits+i].h }

// Name returns a node's name: its explicit name, or its address "a.b.c.d:port".
func (r *Ring) Name(h Handle) string {
	if r.names != nil && r.names[h] != "" {
		return r.names[h]
	}
	var buf [24]byte
	return string(appendAddr(buf[:0], r.addrs[h]))
}

// MessagesSent returns how many messages of each kind the nodes sent.
func (r *Ring) MessagesSent() [numMsgKinds]uint64 { return r.sent }

// JoinsInProgress is the number of nodes that have started to join and are
// not members yet.
func (r *Ring) JoinsInProgress() int { return len(r.joining) }

// InFlight is the number of user lookups started and not yet finished.
func (r *Ring) InFlight() int { return r.inFlight }

func (r *Ring) succList(h Handle) []Handle {
	R := r.cfg.Successors
	return r.succ[int(h)*R : int(h)*R+R]
}

func (r *Ring) fingerTable(h Handle) []fingerEntry {
	M := r.cfg.Bits
	return r.fingers[int(h)*M : int(h)*M+M]
}

func appendAddr(b []byte, a uint64) []byte {
	for i := 3; i >= 0; i-- {
		b = strconv.AppendUint(b, (a>>(16+8*uint(i)))&0xff, 10)
		if i > 0 {
			b = append(b, '.')
		}
	}
	b = append(b, ':')
	return strconv.AppendUint(b, a&0xffff, 10)
}

// newHandle appends a node to the table in state Idle.
func (r *Ring) newHandle(id ID, addr uint64) Handle {
	h := Handle(len(r.ids))
	r.ids = append(r.ids, id)
	r.addrs = append(r.addrs, addr)
	r.host = append(r.host, int32(h))
	if r.names != nil {
		r.names = append(r.names, "")
	}
	r.state = append(r.state, Idle)
	r.pred = append(r.pred, None)
	for i := 0; i < r.cfg.Successors; i++ {
		r.succ = append(r.succ, None)
	}
	for i := 0; i < r.cfg.Bits; i++ {
		r.fingers = append(r.fingers, noFinger)
	}
	r.nextFinger = append(r.nextFinger, 1)
	r.fixing = append(r.fixing, false)
	return h
}

// drawID draws a fresh address and its identifier.
func (r *Ring) drawID() (ID, uint64) {
	addr := r.idRng.Uint64() >> 16 // 32-bit IPv4 and 16-bit port
	if r.uniform {
		return r.space.FromUint64(r.idRng.Uint64()), addr
	}
	var buf [24]byte
	return r.space.HashBytes(appendAddr(buf[:0], addr)), addr
}

// taken reports whether id is used by a member or a node that is joining.
func (r *Ring) taken(id ID) bool {
	if r.oracle.Contains(id) {
		return true
	}
	_, ok := r.joining[id]
	return ok
}

// AddNode creates a node with a fresh address whose identifier is unused by
// live nodes. It does not start it: call Create, Join or JoinVia.
func (r *Ring) AddNode() (Handle, error) {
	if float64(r.oracle.Len()+len(r.joining)) >= r.space.Size() {
		return None, fmt.Errorf("the %d-bit identifier space is full", r.space.Bits())
	}
	for {
		id, addr := r.drawID()
		if !r.taken(id) {
			return r.newHandle(id, addr), nil
		}
	}
}

// AddNamedNode creates a node named name (e.g. "127.0.0.1:5001") whose
// identifier is the SHA-1 of the name. It fails if a live node has that ID.
func (r *Ring) AddNamedNode(name string) (Handle, error) {
	id := r.space.Hash(name)
	if r.taken(id) {
		return None, fmt.Errorf("node %q hashes to identifier %d, which a live node already has", name, id)
	}
	if r.names == nil {
		r.names = make([]string, len(r.ids))
	}
	h := r.newHandle(id, 0)
	r.names[h] = name
	return h, nil
}

// AddNodeWithID creates a node with identifier id and the given name (which
// may be empty): scenario scripts place nodes exactly. It fails if a live
// node has that identifier or id does not fit in the space.
func (r *Ring) AddNodeWithID(id ID, name string) (Handle, error) {
	if id > r.space.Max() {
		return None, fmt.Errorf("identifier %d does not fit in %d bits", id, r.space.Bits())
	}
	if r.taken(id) {
		return None, fmt.Errorf("identifier %d is in use by a live node", id)
	}
	if name != "" && r.names == nil {
		r.names = make([]string, len(r.ids))
	}
	h := r.newHandle(id, 0)
	if name != "" {
		r.names[h] = name
	}
	return h, nil
}

// AddNodeLike creates a new incarnation of node old: a new handle with the
// same identifier, address and name (a node that rejoins with its ID after
// a crash). Pointers to old stay pointers to the dead incarnation, which is
// how the correctness reference (§4, 15c) asks identifier reuse to behave.
// It fails if old is still live or its identifier is taken meanwhile.
func (r *Ring) AddNodeLike(old Handle) (Handle, error) {
	if st := r.state[old]; st != Failed && st != Left && st != Idle {
		return None, fmt.Errorf("node %s is %s; only a departed node can come back", r.Name(old), st)
	}
	if r.taken(r.ids[old]) {
		return None, fmt.Errorf("node %s: identifier %d is in use by a live node", r.Name(old), r.ids[old])
	}
	h := r.newHandle(r.ids[old], r.addrs[old])
	if r.names != nil {
		r.names[h] = r.names[old]
	}
	return h, nil
}

// BootstrapIdeal adds n real nodes, each running Config.VirtualNodes ring
// members, and gives the members the state a fully stabilized ring would
// have: exact predecessors, successor lists and fingers. It costs O(N log N)
// for the sort and O(N·m) for the fingers (one monotone sweep per finger
// level instead of a binary search per finger), N = n·VirtualNodes.
func (r *Ring) BootstrapIdeal(realNodes int) error {
	if realNodes < 1 {
		return fmt.Errorf("n = %d: a ring needs at least one node", realNodes)
	}
	v := r.cfg.VirtualNodes
	n := realNodes * v
	if r.oracle.Len() != 0 || len(r.ids) != 0 {
		return fmt.Errorf("BootstrapIdeal needs an empty ring")
	}
	if float64(n) > r.space.Size() {
		return fmt.Errorf("n = %d nodes do not fit in a %d-bit identifier space (at most %.0f)", n, r.space.Bits(), r.space.Size())
	}
	// Allocate the whole table at once: growing it node by node would copy
	// it log(n) times.
	R, M := r.cfg.Successors, r.cfg.Bits
	r.ids = make([]ID, n)
	r.addrs = make([]uint64, n)
	r.host = make([]int32, n)
	r.state = make([]State, n)
	r.pred = make([]Handle, n)
	r.succ = make([]Handle, n*R)
	r.fingers = make([]fingerEntry, n*M)
	r.nextFinger = make([]uint8, n)
	r.fixing = make([]bool, n)
	hugepage.Advise(r.ids)
	hugepage.Advise(r.succ)
	hugepage.Advise(r.fingers)
	for i := 0; i < n; i++ {
		r.ids[i], r.addrs[i] = r.drawID()
		r.pred[i] = None
		r.nextFinger[i] = 1
	}
	// Sort by identifier; redraw the later of any two that collide (by
	// handle), so the outcome depends only on the seed.
	type entry struct {
		id ID
		h  Handle
	}
	sorted := make([]entry, n)
	for i := range sorted {
		sorted[i] = entry{r.ids[i], Handle(i)}
	}
	for {
		slices.SortFunc(sorted, func(a, b entry) int {
			if a.id != b.id {
				return cmp.Compare(a.id, b.id)
			}
			return cmp.Compare(a.h, b.h)
		})
		dup := false
		for i := 1; i < n; i++ {
			if sorted[i].id == sorted[i-1].id {
				h := sorted[i].h
				r.ids[h], r.addrs[h] = r.drawID()
				sorted[i].id = r.ids[h]
				dup = true
			}
		}
		if !dup {
			break
		}
	}
	// Renumber the nodes in identifier order: handle p is the p-th node
	// clockwise. The tables are then written sequentially, and a node's
	// successors sit next to it in memory, which lookups feel.
	order := make([]Handle, n)
	ids := make([]ID, n)
	hugepage.Advise(ids) // the oracle's copy, read once per lookup to judge its answer
	addrs := make([]uint64, n)
	for p, e := range sorted {
		ids[p], addrs[p], order[p] = e.id, r.addrs[e.h], Handle(p)
		// Member e.h (in drawing order) belongs to real node e.h / v.
		r.host[p] = int32(int(e.h) / v)
	}
	sorted = nil
	copy(r.ids, ids)
	r.addrs = addrs
	r.oracle.ids, r.oracle.handles, r.oracle.identity = ids, order, true
	for p := 0; p < n; p++ {
		h := Handle(p)
		r.state[h] = Member
		r.tr.SetAlive(h, true)
		if n > 1 {
			r.pred[h] = Handle((p + n - 1) % n)
		}
	}
	// The successor lists and finger rows are functions of the sorted
	// identifiers alone, and each row is written by one goroutine, so the
	// ring is the same whatever the number of goroutines. On a large ring
	// the build runs on every core: most of its time is the first touch
	// of the tables' memory.
	parts := 1
	if n >= 1<<16 {
		parts = min(runtime.GOMAXPROCS(0), 8)
	}
	if idealParts > 0 {
		parts = min(idealParts, n)
	}
	var wg sync.WaitGroup
	for g := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.idealRows(ids, n*g/parts, n*(g+1)/parts)
		}()
	}
	wg.Wait()
	for _, h := range order {
		r.startTimers(h)
	}
	return nil
}

// idealParts, if positive, sets how many goroutines BootstrapIdeal splits
// the rows among, whatever the ring's size (for tests).
var idealParts int

// idealRows writes the successor lists and finger rows of the nodes at
// positions lo … hi−1 of an ideal ring whose sorted identifiers are ids
// (handle = position).
func (r *Ring) idealRows(ids []ID, lo, hi int) {
	n := len(ids)
	R, M := r.cfg.Successors, r.cfg.Bits
	// Positions are counted unwrapped where that saves a division:
	// position k ≥ n is handle k − n.
	wrap := func(k int) Handle {
		if k >= n {
			k -= n
		}
		return Handle(k)
	}
	for p := lo; p < hi; p++ {
		l := r.succ[p*R : p*R+R]
		for j := range l {
			l[j] = None
			if j < n-1 {
				l[j] = wrap(p + 1 + j)
			}
		}
		if n == 1 {
			l[0] = Handle(p)
		}
	}
	// Finger i of the node at position p is the first node at clockwise
	// distance ≥ 2^i, or p itself if there is none: the first position k
	// in p+1 … p+n−1 with that distance, else k = p+n. As p grows, k never
	// moves back, so one pointer per level, advanced monotonically from
	// lo+1, finds them all in O((hi−lo)·m + n); within a row, k never
	// moves back as the level grows either, so a level starts from the
	// higher of its own pointer and the level below. Levels with 2^i at
	// most the successor's distance (most of them when 2^m ≫ n) are the
	// successor, with no search. Nodes are the outer loop so that each
	// finger row is written once, sequentially.
	q := make([]int, M)
	for i := range q {
		q[i] = lo + 1
	}
	for p := lo; p < hi; p++ {
		row := r.fingers[p*M : p*M+M]
		idp := ids[p]
		i, k := 0, p+1
		if n > 1 {
			s := wrap(k)
			fs := r.fingerTo(s)
			for low := bits.Len64(r.space.Dist(idp, ids[s])); i < low; i++ {
				q[i] = k
				row[i] = fs
			}
		}
		for ; i < M; i++ {
			step := uint64(1) << uint(i)
			k = max(k, q[i])
			x := wrap(k)
			for k < p+n && r.space.Dist(idp, ids[x]) < step {
				k++
				if x++; int(x) == n {
					x = 0
				}
			}
			q[i] = k
			row[i] = r.fingerTo(x)
		}
	}
}

// Create makes node h a ring of its own (ToN Fig. 6 create()).
func (r *Ring) Create(h Handle) error {
	if r.state[h] != Idle {
		return fmt.Errorf("node %s is %s, not idle", r.Name(h), r.state[h])
	}
	if r.taken(r.ids[h]) {
		return fmt.Errorf("node %s: identifier %d is in use", r.Name(h), r.ids[h])
	}
	r.tr.SetAlive(h, true)
	if r.created == nil {
		r.created = make(map[Handle]bool)
	}
	r.created[h] = true
	r.becomeMember(h, h, nil)
	return nil
}

// Join starts node h's join through a live member chosen at random (the
// rendezvous every deployment needs; picking it is not a protocol decision).
func (r *Ring) Join(h Handle) error {
	if r.oracle.Len() == 0 {
		return fmt.Errorf("node %s cannot join: no live member to join through", r.Name(h))
	}
	_, via := r.oracle.At(r.joinRng.IntN(r.oracle.Len()))
	return r.JoinVia(h, via)
}

// JoinVia starts node h's join through member via: h looks up the successor
// of its own identifier, starting at via, and adopts it (ToN Fig. 6 join()).
func (r *Ring) JoinVia(h, via Handle) error {
	if r.state[h] != Idle {
		return fmt.Errorf("node %s is %s, not idle", r.Name(h), r.state[h])
	}
	if r.taken(r.ids[h]) {
		return fmt.Errorf("node %s: identifier %d is in use", r.Name(h), r.ids[h])
	}
	r.state[h] = Joining
	r.joining[r.ids[h]] = h
	r.tr.SetAlive(h, true)
	r.record(LogJoinStart, h, via)
	r.startLookup(h, via, r.ids[h], purposeJoin, 0, Tag{})
	return nil
}

// retryJoin puts a joiner whose join failed back to idle and has it try
// again through another member after a pause.
func (r *Ring) retryJoin(h Handle) {
	delete(r.joining, r.ids[h])
	r.state[h] = Idle
	r.tr.SetAlive(h, false)
	r.ScheduleJoin(r.tr.Now().Add(r.cfg.RPCTimeout), h)
}

// ScheduleJoin makes node h join (through a random member) at time at.
func (r *Ring) ScheduleJoin(at sim.Time, h Handle) {
	r.tr.At(at, evJoin, int32(h), 0)
}

// becomeMember makes h a member with the given successor, followed in its
// list by rest (the successor's own list, when known).
func (r *Ring) becomeMember(h, successor Handle, rest []Handle) {
	delete(r.joining, r.ids[h])
	r.state[h] = Member
	r.setPred(h, None)
	l := r.succList(h)
	for i := range l {
		l[i] = None
	}
	f := r.fingerTable(h)
	for i := range f {
		f[i] = noFinger
	}
	r.setSuccessors(h, successor, rest)
	r.oracle.insert(r.ids[h], h)
	r.record(LogMember, h, successor)
	if !r.maintOff {
		r.startTimers(h)
	}
	r.stateChanged(h, Member)
}

// Fail crashes node h: it stops answering, and its state is gone.
func (r *Ring) Fail(h Handle) error {
	switch r.state[h] {
	case Member:
		r.oracle.remove(r.ids[h])
	case Joining:
		delete(r.joining, r.ids[h])
	default:
		return fmt.Errorf("node %s is %s; only a live node can fail", r.Name(h), r.state[h])
	}
	was := r.state[h]
	r.state[h] = Failed
	r.tr.SetAlive(h, false)
	r.record(LogFail, h, None)
	if was == Member {
		r.stateChanged(h, Failed)
	}
	return nil
}

// Leave makes member h depart gracefully (ToN §IV-E.4): it gives its
// successor its predecessor, and its predecessor its successor list, then
// goes silent.
//
// A node still joining has nothing to hand over: it just stops, which the
// ring sees as a failure.
func (r *Ring) Leave(h Handle) error {
	if r.state[h] == Joining {
		return r.Fail(h)
	}
	if r.state[h] != Member {
		return fmt.Errorf("node %s is %s; only a member can leave", r.Name(h), r.state[h])
	}
	s, p := r.succList(h)[0], r.pred[h]
	if s != None && s != h {
		slot, m := r.compose(MsgLeaveToSuccessor)
		m.Node = p
		r.tr.Send(slot, h, s)
	}
	if p != None && p != h {
		slot, m := r.compose(MsgLeaveToPredecessor)
		m.List = append(m.List, r.Successors(h)...)
		r.tr.Send(slot, h, p)
	}
	r.oracle.remove(r.ids[h])
	r.state[h] = Left
	r.tr.SetAlive(h, false)
	r.record(LogLeave, h, None)
	r.stateChanged(h, Left)
	return nil
}

// startTimers schedules a new member's periodic tasks at random phases, so
// that nodes do not act in lockstep.
func (r *Ring) startTimers(h Handle) {
	e := r.maintEpoch
	if p := r.cfg.StabilizeEvery; p > 0 {
		r.tr.After(r.phase(p), evStabilize, int32(h), e)
	}
	if p := r.cfg.FixFingersEvery; p > 0 {
		r.tr.After(r.phase(p), evFixFingers, int32(h), e)
	}
	if p := r.cfg.CheckPredecessorEvery; p > 0 {
		r.tr.After(r.phase(p), evCheckPredecessor, int32(h), e)
	}
}

// StopMaintenance stops every member's stabilize, fix_fingers and
// check_predecessor from now on (T03 §V: "stabilization stopped" before a
// mass failure, to measure lookups over the damaged tables). Requests
// already in flight still complete; a node that joins later has no timers
// either.
func (r *Ring) StopMaintenance() {
	r.maintOff = true
	r.maintEpoch++
}

// ResumeMaintenance restarts every member's periodic tasks at random phases.
func (r *Ring) ResumeMaintenance() {
	if !r.maintOff {
		return
	}
	r.maintOff = false
	r.maintEpoch++
	for _, h := range r.oracle.handles {
		r.startTimers(h)
	}
}

// MaintenanceStopped reports whether StopMaintenance is in force.
func (r *Ring) MaintenanceStopped() bool { return r.maintOff }

func (r *Ring) phase(p sim.Duration) sim.Duration {
	return sim.Duration(r.timerRng.Int64N(int64(p)))
}

// period draws the next interval of a periodic task: p·(1 + j·U(−1,1)).
func (r *Ring) period(p sim.Duration) sim.Duration {
	if r.cfg.Jitter == 0 {
		return p
	}
	d := sim.Duration(float64(p) * (1 + r.cfg.Jitter*(2*r.timerRng.Float64()-1)))
	if d < 1 {
		d = 1
	}
	return d
}

// Fire implements sim.Owner for the ring's timers. Timers of nodes that are
// no longer members lapse here: that is their lazy cancellation.
func (r *Ring) Fire(ev *sim.Event) {
	h := Handle(ev.Ref)
	if ev.Kind == evLegTimeout {
		r.onLegTimeout(ev.Ref, ev.Arg)
		return
	}
	if ev.Kind == evJoin {
		if r.state[h] == Idle {
			if err := r.Join(h); err != nil {
				// No member to join through (all failed): become a ring of one.
				r.Create(h)
			}
		}
		return
	}
	if r.state[h] != Member || ev.Arg != r.maintEpoch {
		return
	}
	e := r.maintEpoch
	switch ev.Kind {
	case evStabilize:
		r.stabilize(h)
		r.tr.After(r.period(r.cfg.StabilizeEvery), evStabilize, int32(h), e)
	case evFixFingers:
		r.fixFingers(h)
		r.tr.After(r.period(r.cfg.FixFingersEvery), evFixFingers, int32(h), e)
	case evCheckPredecessor:
		r.checkPredecessor(h)
		r.tr.After(r.period(r.cfg.CheckPredecessorEvery), evCheckPredecessor, int32(h), e)
	}
}

// stabilize asks the successor for its predecessor and successor list (ToN
// Fig. 6 stabilize(), with the successor-list reconciliation of §IV-E.3).
func (r *Ring) stabilize(n Handle) {
	s := r.succList(n)[0]
	if s == n {
		// A ring of one: its own predecessor, if any, is the first node to
		// have joined it, and (n, n) holds every other identifier. Ask it
		// first and adopt it only when it answers: adopting a predecessor
		// that has died meanwhile leaves n with no live successor at all
		// (trace C1 of the correctness reference; Zave's fix S).
		if p := r.pred[n]; p != None && p != n {
			slot, _ := r.compose(MsgGetPredecessor)
			r.tr.Request(slot, n, p, r.cfg.RPCTimeout, cookie(cookieStabilize, int32(n)))
		}
		return
	}
	slot, _ := r.compose(MsgGetPredecessor)
	r.tr.Request(slot, n, s, r.cfg.RPCTimeout, cookie(cookieStabilize, int32(n)))
}

// onStabilizeReply handles the successor's answer: adopt its predecessor if
// that node sits between us, rebuild the successor list from the
// successor's, and notify the (possibly new) successor.
func (r *Ring) onStabilizeReply(n, s Handle, m *Msg) {
	if r.state[n] != Member {
		return
	}
	if cur := r.succList(n)[0]; cur == n && s == r.pred[n] {
		// A ring of one hears from its predecessor: adopt it.
		r.setSuccessors(n, s, m.List)
		r.notify(n, s)
		return
	} else if cur != s {
		return // the successor changed while the question was out
	}
	target := s
	if p := m.Node; p != None && p != n && r.space.Between(r.ids[n], r.ids[p], r.ids[s]) && r.cfg.Variant == Zave {
		// Never adopt a successor that has not answered (Zave's fix S):
		// take s's list now, and p in front of it only when p answers.
		r.setSuccessors(n, s, m.List)
		slot, _ := r.compose(MsgGetPredecessor)
		r.tr.Request(slot, n, p, r.cfg.RPCTimeout, cookie(cookieStabilizePred, int32(p)))
		return
	} else if p != None && p != n && r.space.Between(r.ids[n], r.ids[p], r.ids[s]) {
		target = p
		r.scratch = append(append(r.scratch[:0], s), m.List...)
		r.setSuccessors(n, p, r.scratch)
	} else {
		r.setSuccessors(n, s, m.List)
	}
	r.notify(n, target)
}

// onStabilizePredReply: p, the predecessor n's successor named, answered
// with its own successor list. If p still lies between n and n's
// successor, it becomes n's successor, followed by its list (Zave's
// StabilizeFromPredecessor), and is notified; otherwise n's successor
// changed meanwhile, and is notified.
func (r *Ring) onStabilizePredReply(n, p Handle, m *Msg) {
	if r.state[n] != Member {
		return
	}
	s := r.succList(n)[0]
	if s == n || !r.space.Between(r.ids[n], r.ids[p], r.ids[s]) {
		r.notify(n, s)
		return
	}
	r.setSuccessors(n, p, m.List)
	r.notify(n, p)
}

// setSuccessors sets n's list to first followed by rest, truncated to r
// entries and cut where it wraps back to n (a list never holds its owner).
func (r *Ring) setSuccessors(n, first Handle, rest []Handle) {
	l := r.succList(n)
	if l[0] != first {
		r.record(LogSuccessor, n, first)
	}
	if first != n && len(r.created) > 0 {
		delete(r.created, n)
	}
	l[0] = first
	k := 1
	// Variant zave also cuts the list where it stops running clockwise
	// from n: a successor's list that wraps past n (a ring of r+1 or
	// fewer members, or a stale entry) would otherwise give n an
	// out-of-order list, which seeds loopy rings (correctness reference
	// §2.3, root cause 3).
	zave := r.cfg.Variant == Zave
	nid := r.ids[n]
	last := r.space.Dist(nid, r.ids[first])
	for _, x := range rest {
		if k == len(l) || x == n || x == None {
			break
		}
		if x == first {
			continue
		}
		if zave {
			d := r.space.Dist(nid, r.ids[x])
			if d <= last {
				break
			}
			last = d
		}
		l[k] = x
		k++
	}
	for ; k < len(l); k++ {
		l[k] = None
	}
	r.fingerTable(n)[0] = r.fingerTo(first)
}

func (r *Ring) notify(n, target Handle) {
	slot, _ := r.compose(MsgNotify)
	r.tr.Send(slot, n, target)
}

// onNotify: n thinks it might be our predecessor (ToN Fig. 6 notify()).
func (r *Ring) onNotify(s, n Handle) {
	if r.state[s] != Member || n == s {
		return
	}
	if p := r.pred[s]; p == None || r.space.Between(r.ids[p], r.ids[n], r.ids[s]) {
		r.setPred(s, n)
		r.record(LogPredecessor, s, n)
	} else if r.cfg.Variant == Zave && p != n {
		// Zave's rectify: the notifier does not displace the predecessor,
		// but if the predecessor is dead the notifier is the best known;
		// ask rather than wait for check_predecessor.
		slot, _ := r.compose(MsgPing)
		r.tr.Request(slot, s, p, r.cfg.RPCTimeout, cookie(cookieRectify, int32(n)))
	}
}

// onRectifyTimeout: s's predecessor p did not answer the ping that a
// notify from n prompted. If p is still s's predecessor, n takes its
// place (n answered: it sent the notify).
func (r *Ring) onRectifyTimeout(s, p, n Handle) {
	if r.state[s] != Member || r.pred[s] != p {
		return
	}
	r.forget(s, p)
	if r.pred[s] == None {
		r.setPred(s, n)
		r.record(LogPredecessor, s, n)
	}
}

// checkPredecessor pings the predecessor; a timeout clears it.
func (r *Ring) checkPredecessor(n Handle) {
	p := r.pred[n]
	if p == None {
		return
	}
	slot, _ := r.compose(MsgPing)
	r.tr.Request(slot, n, p, r.cfg.RPCTimeout, cookie(cookieCheckPredecessor, int32(n)))
}

// forget removes a peer that failed to answer from everything n knows:
// predecessor, successor list (the next entry moves up) and fingers. If the
// successor changed, n stabilizes with the new one at once.
func (r *Ring) forget(n, dead Handle) {
	if r.state[n] != Member || dead == n {
		return
	}
	r.record(LogForget, n, dead)
	if r.pred[n] == dead {
		r.setPred(n, None)
	}
	f := r.fingerTable(n)
	for i := range f {
		if f[i].h == dead {
			f[i] = noFinger
		}
	}
	l := r.succList(n)
	first := l[0]
	k := 0
	for _, x := range l {
		if x != dead {
			l[k] = x
			k++
		}
	}
	if k == len(l) {
		return
	}
	for j := k; j < len(l); j++ {
		l[j] = None
	}
	if l[0] == None && r.cfg.Variant == Zave {
		// Every successor is gone. Variant zave never makes n a ring of
		// one: it keeps the last successor and looks for a new one
		// through another node it knows (detector.go). A node that knows
		// no other stays so: a ring of one would name itself the owner of
		// every key, while its suspicion may be false or others alive.
		l[0] = dead
		r.repairSuccessor(n, dead)
		return
	}
	if l[0] == None {
		// Every successor is gone: n is cut off and becomes a ring of one.
		l[0] = n
	}
	if l[0] != first {
		r.record(LogSuccessor, n, l[0])
	}
	f[0] = r.fingerTo(l[0])
	if l[0] != n {
		r.stabilize(n)
	}
}

// fixFingers refreshes fingers (ToN Fig. 6 fix_fingers()).
func (r *Ring) fixFingers(n Handle) {
	if r.fixing[n] {
		return
	}
	i := int(r.nextFinger[n])
	if r.cfg.FixFingers == FixAll {
		i = 1
	}
	r.advanceFingers(n, r.succList(n)[0], i, true)
}

// advanceFingers walks the finger table from level i. A finger whose start
// lies in (n, known], where known is the successor or the node a finger
// lookup just returned for a lower start, is known without asking anyone:
// known is the first node at or after every start in that range. The first
// start beyond it needs a lookup, which is started if mayLookup (or always
// in FixAll mode) and resumes the walk when it returns.
func (r *Ring) advanceFingers(n, known Handle, i int, mayLookup bool) {
	M := r.cfg.Bits
	f := r.fingerTable(n)
	nid := r.ids[n]
	for ; i < M; i++ {
		start := r.space.FingerStart(nid, i)
		if known != None && r.space.BetweenIncl(nid, start, r.ids[known]) {
			f[i] = r.fingerTo(known)
			continue
		}
		if !mayLookup && r.cfg.FixFingers == FixOne {
			r.nextFinger[n] = uint8(i)
			return
		}
		r.fixing[n] = true
		r.nextFinger[n] = uint8(i)
		r.startLookup(n, n, start, purposeFinger, uint8(i), Tag{})
		return
	}
	r.nextFinger[n] = 1
}

// onFingerFound stores a finger lookup's answer and continues the walk.
func (r *Ring) onFingerFound(n Handle, i int, owner Handle, ok bool) {
	r.fixing[n] = false
	if r.state[n] != Member {
		return
	}
	if !ok {
		r.nextFinger[n] = uint8((i + 1) % r.cfg.Bits)
		if r.nextFinger[n] == 0 {
			r.nextFinger[n] = 1
		}
		return
	}
	r.fingerTable(n)[i] = r.fingerTo(owner)
	r.advanceFingers(n, owner, i+1, false)
}

// onLeaveToSuccessor: our predecessor left and named its own predecessor.
// The hand-over is conditional: a node that joined in between meanwhile
// (correctness reference §4, scenario 14) is kept.
func (r *Ring) onLeaveToSuccessor(s, leaver Handle, m *Msg) {
	if r.state[s] == Member && r.pred[s] == leaver {
		p := m.Node
		if p == s {
			p = None
		}
		r.setPred(s, p)
		r.record(LogPredecessor, s, r.pred[s])
	}
}

// onLeaveToPredecessor: our successor left and gave us its successor list.
func (r *Ring) onLeaveToPredecessor(p, leaver Handle, m *Msg) {
	if r.state[p] != Member || r.succList(p)[0] != leaver {
		return
	}
	if len(m.List) == 0 || m.List[0] == p {
		if r.cfg.Variant == Original {
			r.forget(p, leaver)
			return
		}
		// The leaver had no successor but p: p is alone now, and becomes
		// a ring of one (it was told so; nothing is suspected).
		r.setSuccessors(p, p, nil)
		r.scrub(p, leaver)
		return
	}
	r.setSuccessors(p, m.List[0], m.List[1:])
	r.scrub(p, leaver)
}

// scrub removes a departed node from n's fingers and predecessor.
func (r *Ring) scrub(n, gone Handle) {
	if r.pred[n] == gone {
		r.setPred(n, None)
	}
	f := r.fingerTable(n)
	for i := 1; i < len(f); i++ {
		if f[i].h == gone {
			f[i] = noFinger
		}
	}
}

// StateBytes estimates the memory, in bytes, of the node state of a ring
// of members nodes with m-bit identifiers and r successors: the node table
// (identifier, address, host, state, predecessor, r successors, m finger
// entries of 8 bytes, finger bookkeeping), the network's liveness flag and
// the oracle's sorted copy. It is what a config is checked against before
// anything is allocated; `chordsim bench` reports the measured figure.
func StateBytes(members, m, r int) uint64 {
	var (
		id    ID
		h     Handle
		f     fingerEntry
		st    State
		small uint8 // nextFinger, fixing, the network's liveness flag
	)
	per := 2*unsafe.Sizeof(id) + // ids, and the oracle's sorted copy
		8 + 4 + // address, host
		unsafe.Sizeof(st) + 2*unsafe.Sizeof(h) + // state, predecessor, the oracle's handle
		uintptr(r)*unsafe.Sizeof(h) + uintptr(m)*unsafe.Sizeof(f) +
		3*unsafe.Sizeof(small)
	return uint64(members) * uint64(per)
}
