package sim

import (
	"slices"
	"testing"
)

func heldIDs(n *Network[pmsg]) []uint64 {
	var ids []uint64
	for _, m := range n.Held() {
		ids = append(ids, m.ID)
	}
	return ids
}

// A held request keeps its deadline: delivering it by hand gets an answer,
// which is held in turn; dropping that answer makes the request time out
// when its deadline comes, and not before.
func TestHoldDeliverDropTimeout(t *testing.T) {
	h, n, s := newTestNet("const:10ms", 0)
	n.Hold(true)
	slot, p := n.NewMessage()
	p.v = 4
	n.Request(slot, 0, 1, 500*Millisecond, 77)
	held := n.Held()
	if len(held) != 1 || held[0].From != 0 || held[0].To != 1 || !held[0].Request || held[0].Response || held[0].Msg.v != 4 {
		t.Fatalf("held = %+v, want the request 0->1", held)
	}
	if err := n.DeliverHeld(held[0].ID); err != nil {
		t.Fatal(err)
	}
	if len(h.delivered) != 1 || h.at[0] != 0 {
		t.Fatalf("delivered %v at %v, want once at 0", h.delivered, h.at)
	}
	held = n.Held()
	if len(held) != 1 || !held[0].Response || held[0].From != 1 || held[0].To != 0 || held[0].Msg.v != 40 {
		t.Fatalf("held = %+v, want the answer 1->0", held)
	}
	if err := n.DropHeld(held[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := n.DropHeld(held[0].ID); err == nil {
		t.Fatal("dropped the same message twice")
	}
	s.Run()
	if len(h.responses) != 0 || len(h.timeouts) != 1 || h.timeouts[0] != 77 || s.Now() != Time(500*Millisecond) {
		t.Fatalf("responses %v timeouts %v at %v, want one timeout at 500ms", h.responses, h.timeouts, s.Now())
	}
	if st := n.Stats(); st.Sent != 2 || st.Delivered != 1 || st.DroppedLoss != 1 || st.Timeouts != 1 {
		t.Fatalf("stats %+v", st)
	}
}

// A duplicated request is delivered twice and answered twice; the second
// answer is late. Reordering and delaying move messages as asked.
func TestHoldDuplicateReorderDelay(t *testing.T) {
	h, n, s := newTestNet("const:10ms", 0)
	h.answer = false
	n.Hold(true)
	for v := 1; v <= 3; v++ {
		slot, p := n.NewMessage()
		p.v = v
		n.Send(slot, 0, 1)
	}
	dup, err := n.DuplicateHeld(1, func(dst, src *pmsg) { *dst = *src })
	if err != nil {
		t.Fatal(err)
	}
	if got, want := heldIDs(n), []uint64{1, dup, 2, 3}; !slices.Equal(got, want) {
		t.Fatalf("held %v, want %v", got, want)
	}
	if err := n.ReorderHeld(3, 2); err != nil {
		t.Fatal(err)
	}
	if got, want := heldIDs(n), []uint64{3, 2, 1, dup}; !slices.Equal(got, want) {
		t.Fatalf("held %v after reorder, want %v", got, want)
	}
	var order []int
	for _, m := range n.Held() {
		order = append(order, m.Msg.v)
	}
	if want := []int{3, 2, 1, 1}; !slices.Equal(order, want) {
		t.Fatalf("payloads %v, want %v", order, want)
	}
	if err := n.DelayHeld(3, 70*Millisecond); err != nil {
		t.Fatal(err)
	}
	n.Hold(false)
	for _, id := range []uint64{2, 1, dup} {
		if err := n.DeliverHeld(id); err != nil {
			t.Fatal(err)
		}
	}
	s.Run()
	if len(h.delivered) != 4 || h.at[3] != Time(70*Millisecond) || len(n.Held()) != 0 {
		t.Fatalf("delivered %v at %v, held %v", h.delivered, h.at, n.Held())
	}
}
