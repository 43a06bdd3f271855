package experiments

import "flag"

var rewrite = flag.Bool("rewrite", false, "rewrite the golden files of testdata/golden from the current output")
