package chord

// Pointer-state statistics (issue 18 item 3): how many of the members'
// pointers are wrong or dead at one instant, as the oracle sees them, in
// the terms of Krishnamurthy et al. (IPTPS 2005): a *wrong* successor is
// any node but the correct one, dead or alive; a *dead* one is a node that
// has crashed or left. The protocol never reads any of this.

// PointerState counts, over the live members at one instant, the pointers
// that are wrong or dead, and the age of the fingers. Level i is finger
// slot i (start n + 2^i at base 2; see chord.base for other bases); slot 0
// mirrors the successor and is left out of the finger figures.
type PointerState struct {
	Members int // live members counted
	// WrongSuccessor: first successor is not the oracle's (the next live
	// member clockwise), whether dead, alive or absent.
	WrongSuccessor int
	// DeadSuccessor: first successor is not a live node (crashed, left, or
	// no successor at all).
	DeadSuccessor int
	// DeadSuccessors2: the first two successor-list entries are both not
	// live nodes (an absent entry counts as dead). With one successor per
	// node there is no second entry: then it counts DeadSuccessor.
	DeadSuccessors2 int
	// DeadFingers[i]: members whose finger i names a node that is not
	// live (an absent finger is not counted: it names no node). One entry per
	// finger slot (m at base 2);
	// DeadFingers[0] stays 0.
	DeadFingers []int
	// AgeSum is the sum over the members' fingers at levels 1..m−1 that
	// name a node of the time since the protocol last wrote them, in
	// seconds, and Aged how many fingers that is; both 0 unless
	// TrackFingerAge was called.
	AgeSum float64
	Aged   int
}

// TrackFingerAge makes the ring keep, for every finger, the time the
// protocol last wrote it (set or confirmed it), so that PointerState can
// report fingers' ages. It must be called on an empty ring: a finger's age
// is known only from its first write. A time is kept as float32 seconds,
// 4 bytes per finger (4·m per node at base 2): exact to 2^-24 of the time itself
// (5 ms at one simulated day, 2 s at a year), which is enough for ages of
// seconds to hours.
func (r *Ring) TrackFingerAge() {
	if len(r.ids) != 0 {
		panic("chord: TrackFingerAge on a ring that has nodes")
	}
	r.fingerAt = []float32{}
}

// fingerWritten records that node n's finger i was written now.
func (r *Ring) fingerWritten(n Handle, i int) {
	if r.fingerAt != nil {
		r.fingerAt[int(n)*r.nf+i] = float32(r.tr.Now().Seconds())
	}
}

// PointerState counts the pointer state of the live members now into s
// (whose DeadFingers is reused). It reads the oracle and the network's
// liveness: measurement only. Cost O(N·m).
func (r *Ring) PointerState(s *PointerState) {
	M, R := r.nf, r.cfg.Successors
	if cap(s.DeadFingers) < M {
		s.DeadFingers = make([]int, M)
	}
	fingers := s.DeadFingers[:M]
	clear(fingers)
	*s = PointerState{DeadFingers: fingers}
	dead := func(x Handle) bool { return x == None || !r.tr.Alive(x) }
	o := &r.oracle
	n := o.Len()
	now := r.tr.Now().Seconds()
	for p := 0; p < n; p++ {
		_, h := o.At(p)
		s.Members++
		l := r.succList(h)
		_, want := o.At((p + 1) % n)
		if l[0] != want {
			s.WrongSuccessor++
		}
		if dead(l[0]) {
			s.DeadSuccessor++
			if R < 2 || dead(l[1]) {
				s.DeadSuccessors2++
			}
		}
		f := r.fingerTable(h)
		for i := 1; i < M; i++ {
			x := f[i].h
			if x == None {
				continue
			}
			if !r.tr.Alive(x) {
				fingers[i]++
			}
			if r.fingerAt != nil {
				s.AgeSum += now - float64(r.fingerAt[int(h)*M+i])
				s.Aged++
			}
		}
	}
}
