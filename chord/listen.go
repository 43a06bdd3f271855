package chord

// Hooks is how a layer above the ring (the key-value service, the
// measurement of user lookups, the invariant watcher) hears of the ring:
// one shape for every layer, attached with Attach. Any field may be nil.
//
// StateChanged and PredecessorChanged concern one node and tell only what
// that node itself knows, so a layer that acts on them stays within "nodes
// know only what messages told them". They are called synchronously,
// inside the protocol step that caused the change, after the change is in
// place, layer by layer in the order the layers were attached.
type Hooks struct {
	// LookupDone receives every finished user lookup whose Tag names this
	// layer. The result is valid only during the call.
	LookupDone func(res *LookupResult)
	// StateChanged: node h entered state s (Member, Failed or Left).
	StateChanged func(h Handle, s State)
	// PredecessorChanged: node h's predecessor changed from old to now
	// (either may be None).
	PredecessorChanged func(h, old, now Handle)
}

// follows reports whether the layer follows node state (not only its own
// lookups): the static engine, which changes no node state and calls no
// such hook, cannot stand in for the event path under it.
func (k *Hooks) follows() bool { return k.StateChanged != nil || k.PredecessorChanged != nil }

// LayerID names a layer attached to a ring. The zero value, NoLayer, names
// none: the result of a lookup tagged with it reaches nobody.
type LayerID uint8

// NoLayer is the LayerID of no layer.
const NoLayer LayerID = 0

// Tag identifies a user lookup: the layer that started it, which alone
// hears of its result, and an operation number of that layer's choosing,
// returned in the result.
type Tag struct {
	Layer LayerID
	Op    uint64
}

// Attach adds a layer and returns its LayerID, for the Tags of the layer's
// lookups. Layers hear of state changes in the order they were attached.
// At most 255 layers can be attached.
func (r *Ring) Attach(k Hooks) LayerID {
	if len(r.layers) == 0 {
		r.layers = append(r.layers, Hooks{}) // NoLayer
	}
	if len(r.layers) > 255 {
		panic("chord: more than 255 layers attached")
	}
	r.layers = append(r.layers, k)
	return LayerID(len(r.layers) - 1)
}

// lookupDone hands a finished user lookup's result (in r.result) to the
// layer its tag names.
func (r *Ring) lookupDone(layer LayerID) {
	if int(layer) < len(r.layers) {
		if f := r.layers[layer].LookupDone; f != nil {
			f(&r.result)
		}
	}
}

// hears reports whether a finished lookup tagged for layer reaches anyone
// (so that its result need not be built otherwise).
func (r *Ring) hears(layer LayerID) bool {
	return layer != NoLayer && int(layer) < len(r.layers) && r.layers[layer].LookupDone != nil
}

// setPred sets n's predecessor and tells the layers.
func (r *Ring) setPred(n, p Handle) {
	old := r.pred[n]
	if old == p {
		return
	}
	r.pred[n] = p
	for i := range r.layers {
		if f := r.layers[i].PredecessorChanged; f != nil {
			f(n, old, p)
		}
	}
}

// stateChanged tells the layers that h entered state s.
func (r *Ring) stateChanged(h Handle, s State) {
	if r.cfg.PurgeDeparted && (s == Failed || s == Left) {
		r.purgeDeparted(h)
	}
	for i := range r.layers {
		if f := r.layers[i].StateChanged; f != nil {
			f(h, s)
		}
	}
}

// layerFollowsState reports whether some attached layer follows node state.
func (r *Ring) layerFollowsState() bool {
	for i := range r.layers {
		if r.layers[i].follows() {
			return true
		}
	}
	return false
}
