// Package topology places endpoints in a network and gives each pair its
// base one-way delay (sim.Topology), a deterministic function of the
// config and the run's seed:
//
//   - euclidean: every endpoint is a point drawn uniformly in a
//     d-dimensional cube; a message takes the distance between the two
//     points, plus each end's access delay (p2psim's Euclidean model;
//     T03 §V-F uses 3 dimensions);
//   - transit-stub: a generated router graph in the manner of GT-ITM
//     (transit domains, and stub domains hanging off each transit router;
//     one link delay per level), endpoints attached to the stub routers,
//     and a message takes the shortest path (T03 §V-F: 5,000 routers,
//     links of 50, 20 and 1 ms);
//   - matrix: a measured square matrix of round-trip times between hosts,
//     read from a file (ParseMatrix), endpoints assigned to its hosts; a
//     message takes half the round trip;
//   - planetlab490: the matrix of 490 PlanetLab hosts shipped inside
//     chordsim (PlanetLab490; see planetlab490/README.md for its source,
//     licence and the citation its authors ask for).
//
// Endpoints are placed without per-endpoint memory: a Euclidean point is a
// hash of the seed and the endpoint, and an endpoint sits on the host a
// seeded permutation of the hosts puts at its number modulo the number of
// hosts. So a topology costs the same whatever the ring's size, and
// endpoints created later (joins under churn) are placed like the first.
package topology
