// Package sim is chordsim's discrete-event kernel: integer virtual time, a
// totally ordered event queue, named random streams derived from one master
// seed, and a message network with latency models, loss, delivery only to live
// endpoints, and request/response with timeouts.
//
// It knows nothing about Chord. Everything that happens in a simulation is an
// Event popped from one Scheduler by one goroutine, so a run is a pure
// function of its configuration and seed.
package sim
