// Command go-peer renders the benchmarks with Go's html/template (standard library only),
// as its docs recommend: templates parsed once at start (template.Must(ParseGlob)), each
// render executing into a reused bytes.Buffer. It speaks the engine protocol of
// bench/README.md:
//
//	go-peer BENCH DATA.json once              the output on stdout
//	go-peer BENCH DATA.json time MIN_S RUNS   "bytes N", then RUNS lines "run ITERS NS"
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

type Team struct {
	Name  string `json:"name"`
	Score int    `json:"score"`
}

type Product struct {
	ID          int     `json:"id"`
	Name        string  `json:"name"`
	Description string  `json:"description"`
	Image       string  `json:"image"`
	Price       float64 `json:"price"`
}

type Link struct {
	Href  string `json:"href"`
	Label string `json:"label"`
}

type Data struct {
	BigTable struct {
		Rows [][]int `json:"rows"`
	} `json:"big-table"`
	Teams struct {
		Year  int    `json:"year"`
		Teams []Team `json:"teams"`
	} `json:"teams"`
	Shop struct {
		Title    string    `json:"title"`
		Nav      []Link    `json:"nav"`
		Products []Product `json:"products"`
		Footer   string    `json:"footer"`
	} `json:"shop"`
	Fragment struct {
		Product Product `json:"product"`
	} `json:"sse-fragment"`
}

// patchElements writes html as a Datastar patch-elements event: one data line per line
// (lines end at \n, \r\n or \r), a line break at the end giving an empty last data line.
func patchElements(out *bytes.Buffer, html []byte) {
	out.WriteString("event: datastar-patch-elements\n")
	for {
		i := bytes.IndexAny(html, "\r\n")
		out.WriteString("data: elements ")
		if i < 0 {
			out.Write(html)
			out.WriteByte('\n')
			break
		}
		out.Write(html[:i])
		out.WriteByte('\n')
		if html[i] == '\r' && i+1 < len(html) && html[i+1] == '\n' {
			i++
		}
		html = html[i+1:]
	}
	out.WriteByte('\n')
}

func renderers(t *template.Template, d *Data) map[string]func(*bytes.Buffer) error {
	var card bytes.Buffer
	return map[string]func(*bytes.Buffer) error{
		"big-table": func(b *bytes.Buffer) error { return t.ExecuteTemplate(b, "big-table", &d.BigTable) },
		"teams":     func(b *bytes.Buffer) error { return t.ExecuteTemplate(b, "teams", &d.Teams) },
		"shop":      func(b *bytes.Buffer) error { return t.ExecuteTemplate(b, "shop", &d.Shop) },
		"sse-fragment": func(b *bytes.Buffer) error {
			card.Reset()
			if err := t.ExecuteTemplate(&card, "card", &d.Fragment.Product); err != nil {
				return err
			}
			patchElements(b, card.Bytes())
			return nil
		},
	}
}

func render(f func(*bytes.Buffer) error, b *bytes.Buffer) {
	b.Reset()
	if err := f(b); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func timed(f func(*bytes.Buffer) error, minS float64, runs int) {
	var b bytes.Buffer
	minD := time.Duration(minS * 1e9)
	warm := minD / 2
	if warm < 50*time.Millisecond {
		warm = 50 * time.Millisecond
	}
	t0, n := time.Now(), 0
	for time.Since(t0) < warm || n < 3 {
		render(f, &b)
		n++
	}
	est := float64(time.Since(t0).Nanoseconds()) / float64(n)
	batch := 1
	if est < 1e6 {
		batch = int(1e6 / est)
	}
	fmt.Printf("bytes %d\n", b.Len())
	for r := 0; r < runs; r++ {
		iters := 0
		t0 := time.Now()
		var el time.Duration
		for {
			for i := 0; i < batch; i++ {
				render(f, &b)
			}
			iters += batch
			if el = time.Since(t0); el >= minD {
				break
			}
		}
		fmt.Printf("run %d %d\n", iters, el.Nanoseconds())
	}
}

func main() {
	if len(os.Args) < 4 {
		fmt.Fprintln(os.Stderr, "usage: go-peer BENCH DATA.json once|time MIN_S RUNS")
		os.Exit(2)
	}
	raw, err := os.ReadFile(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var d Data
	if err := json.Unmarshal(raw, &d); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	exe, _ := os.Executable()
	dir := os.Getenv("GO_PEER_TEMPLATES")
	if dir == "" {
		dir = filepath.Join(filepath.Dir(exe), "templates")
	}
	t := template.Must(template.ParseGlob(filepath.Join(dir, "*.tmpl")))
	f, ok := renderers(t, &d)[os.Args[1]]
	if !ok {
		fmt.Println("skip unknown benchmark")
		os.Exit(3)
	}
	switch os.Args[3] {
	case "once":
		var b bytes.Buffer
		render(f, &b)
		os.Stdout.Write(b.Bytes())
	case "time":
		minS, _ := strconv.ParseFloat(os.Args[4], 64)
		runs, _ := strconv.Atoi(os.Args[5])
		timed(f, minS, runs)
	default:
		fmt.Fprintln(os.Stderr, "unknown mode", os.Args[3])
		os.Exit(2)
	}
}
