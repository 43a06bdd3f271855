package figures

import (
	"bytes"
	"fmt"
	"math"
	"path/filepath"
	"strings"

	"github.com/chordsim/chordsim/experiments"
	"github.com/chordsim/chordsim/internal/yamlconf"
	"github.com/chordsim/chordsim/metrics/plot"
)

// figureHook, when set (by tests), sees every figure a built-in draws, by
// the file name it is saved under (without extension), before it is drawn.
// It is nil in the program.
var figureHook func(name string, fig any)

// saveFigure writes fig as dir/plots/name.png, .svg and .pdf.
func saveFigure(dir, name string, fig *plot.Figure) error {
	if figureHook != nil {
		figureHook(name, fig)
	}
	return fig.SaveAll(filepath.Join(dir, "plots", name))
}

// saveBars writes a bar figure as dir/plots/name.png, .svg and .pdf.
func saveBars(dir, name string, fig *plot.BarFigure) error {
	if figureHook != nil {
		figureHook(name, fig)
	}
	return fig.SaveAll(filepath.Join(dir, "plots", name))
}

// ciFraction and ciCount are the caption's note on the error bars of means
// over runs: a Student-t interval over a few runs can reach outside what
// the quantity can be, and is drawn cut at its bounds.
const (
	ciFraction = "bars: 95% Student-t CI of the mean, clamped to [0, 1]"
	ciCount    = "bars: 95% Student-t CI of the mean, clamped to ≥ 0"
)

// ScaleOf names the scale of the built-in's config that plan runs:
// "quick" or "paper" if it is that config (whatever the seed), else
// "custom".
func (b *Builtin) ScaleOf(plan *experiments.Plan) string {
	have := yamlconf.Encode(&plan.Base, plan.Axes)
	for _, sc := range Scales {
		cfg, axes, err := b.Load(sc)
		if err != nil {
			continue
		}
		cfg.Seed = plan.Base.Seed
		if bytes.Equal(yamlconf.Encode(&cfg, axes), have) {
			return sc
		}
	}
	return "custom"
}

// count typesets a whole number for a title: a power of ten as 10ᵏ, other
// numbers with thousands separated by commas.
func count(n int) string {
	if n >= 10000 {
		k := int(math.Round(math.Log10(float64(n))))
		if math.Pow(10, float64(k)) == float64(n) {
			return plot.Pow(10, k)
		}
	}
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// setup is a figure's second title line: the setup that produced it (the
// given facts, such as "N = 10⁴"), the runs per point and the scale, so a
// figure copied out of its folder still says what it shows.
func setup(o *experiments.Outcome, scale string, facts ...string) string {
	runs := fmt.Sprintf("%d runs per point", o.Plan.Base.Replicates)
	if o.Plan.Base.Replicates == 1 {
		runs = "1 run per point"
	}
	facts = append(facts, runs)
	switch scale {
	case "quick":
		facts = append(facts, "quick scale (reduced sizes)")
	case "paper":
		facts = append(facts, "paper scale")
	}
	// Break into lines of at most setupWidth characters, so that the title
	// fits the figure's width.
	var b strings.Builder
	line := 0
	for i, f := range facts {
		n := len([]rune(f))
		switch {
		case i == 0:
		case line+2+n > setupWidth:
			b.WriteString(",\n")
			line = 0
		default:
			b.WriteString(", ")
			line += 2
		}
		b.WriteString(f)
		line += n
	}
	return b.String()
}

// setupWidth is the longest title line, in characters, that fits a 16 cm
// figure at the title's font size.
const setupWidth = 80
