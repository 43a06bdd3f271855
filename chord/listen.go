package chord

// Listener hears of changes to a node's own state: the application layers
// that run on a node (the key-value service) react to them the way a real
// node's application reacts to its Chord layer. Each call concerns one node
// and tells only what that node itself knows, so a listener that acts on it
// stays within "nodes know only what messages told them".
//
// Calls are made synchronously, inside the protocol step that caused the
// change, after the change is in place.
type Listener interface {
	// StateChanged: node h entered state s (Member, Failed or Left).
	StateChanged(h Handle, s State)
	// PredecessorChanged: node h's predecessor changed from old to now
	// (either may be None).
	PredecessorChanged(h, old, now Handle)
}

// Listen adds l to the listeners, which are called in the order they were
// added.
func (r *Ring) Listen(l Listener) { r.listeners = append(r.listeners, l) }

// SetObserver replaces the observer of user lookups; Observer returns the
// current one. A layer that issues its own lookups (the key-value service)
// installs itself and passes on the results that are not its own.
func (r *Ring) SetObserver(o Observer) { r.obs = o }

// Observer returns the observer of user lookups (nil if none).
func (r *Ring) Observer() Observer { return r.obs }

// setPred sets n's predecessor and tells the listeners.
func (r *Ring) setPred(n, p Handle) {
	old := r.pred[n]
	if old == p {
		return
	}
	r.pred[n] = p
	for _, l := range r.listeners {
		l.PredecessorChanged(n, old, p)
	}
}

// stateChanged tells the listeners that h entered state s.
func (r *Ring) stateChanged(h Handle, s State) {
	for _, l := range r.listeners {
		l.StateChanged(h, s)
	}
}
