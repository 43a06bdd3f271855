package chord

import "fmt"

// Steering by hand. Interaction tests (package chordtest) and the scenario
// scripts drive single nodes through these methods instead of through the
// timers; the protocol itself never calls them.

// Stabilize runs member h's stabilize now (ToN Fig. 6), outside its timer,
// whose schedule it leaves as it is.
func (r *Ring) Stabilize(h Handle) error {
	if err := r.mustBeMember(h); err != nil {
		return err
	}
	r.stabilize(h)
	return nil
}

// CheckPredecessor runs member h's check_predecessor now.
func (r *Ring) CheckPredecessor(h Handle) error {
	if err := r.mustBeMember(h); err != nil {
		return err
	}
	r.checkPredecessor(h)
	return nil
}

// FixFingers runs member h's fix_fingers now.
func (r *Ring) FixFingers(h Handle) error {
	if err := r.mustBeMember(h); err != nil {
		return err
	}
	r.fixFingers(h)
	return nil
}

func (r *Ring) mustBeMember(h Handle) error {
	if h < 0 || int(h) >= len(r.ids) {
		return fmt.Errorf("no node with handle %d", h)
	}
	if r.state[h] != Member {
		return fmt.Errorf("node %s is %s, not a member", r.Name(h), r.state[h])
	}
	return nil
}

// SetSuccessors gives member h the successor list list (first entry
// first), as stabilize would set it: a hand-built state for a test. It
// logs a successor change as the protocol would.
func (r *Ring) SetSuccessors(h Handle, list []Handle) error {
	if err := r.mustBeMember(h); err != nil {
		return err
	}
	if len(list) == 0 || len(list) > r.cfg.Successors {
		return fmt.Errorf("%d successors for node %s: want 1 to r = %d", len(list), r.Name(h), r.cfg.Successors)
	}
	r.setSuccessors(h, list[0], list[1:])
	return nil
}

// SetPredecessor gives member h the predecessor p (None: none), a
// hand-built state for a test. No event is logged and no layer hears of
// it.
func (r *Ring) SetPredecessor(h, p Handle) error {
	if err := r.mustBeMember(h); err != nil {
		return err
	}
	r.pred[h] = p
	return nil
}

// BuildIdeal makes the idle nodes hs members and gives every member the
// state of the ideal ring: predecessors, successor lists and fingers (what
// BootstrapIdeal does, for nodes whose identifiers the caller chose).
// Layers hear of the new members, not of the pointers set.
func (r *Ring) BuildIdeal(hs []Handle) error {
	for _, h := range hs {
		if err := r.Create(h); err != nil {
			return err
		}
	}
	o := r.Oracle()
	n := o.Len()
	for p := 0; p < n; p++ {
		id, h := o.At(p)
		var rest []Handle
		for j := 1; j < r.cfg.Successors && j < n-1; j++ {
			_, x := o.At((p + 1 + j) % n)
			rest = append(rest, x)
		}
		_, s := o.At((p + 1) % n)
		r.setSuccessors(h, s, rest)
		_, r.pred[h] = o.At((p + n - 1) % n)
		f := r.fingerTable(h)
		for i := 1; i < len(f); i++ {
			f[i] = r.fingerTo(r.idealFinger(id, i))
			if r.cfg.PNS > 1 {
				f[i] = r.fingerTo(r.pnsIdeal(h, i))
			}
			r.fingerWritten(h, i)
		}
	}
	return nil
}
