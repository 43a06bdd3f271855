// Package ringdraw draws a Chord ring as a picture, SVG or PNG: every node
// on a circle at the angle of its identifier (clockwise from the top,
// 2πx/2^m for identifier x), members as dots, joining nodes as orange
// rings, failed nodes as red crosses, departed ones as grey rings; one
// node's fingers, successor list and predecessor as chords; and
// optionally one lookup's path (chord.Ring.TraceLookup), each hop numbered
// with its round trip or its timeout.
//
// It only reads the ring: drawing sends nothing and changes nothing, so
// `chordsim draw` (a config's ring at a chosen time) and the shell's draw
// command (the session's ring as it stands) share it and draw the same
// state the same way. The SVG is byte-for-byte a function of the ring's
// state and the Spec; the PNG paints the same geometry through
// gonum/plot's image canvas.
package ringdraw
