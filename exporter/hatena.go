package exporter

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/tsuzuri/tsuzuri/diary"
	"github.com/tsuzuri/tsuzuri/render"
)

// draftTag marks drafts, as the Hatena importer does.
const draftTag = "draft"

// writeHatena writes a Movable Type export that Hatena Blog (and Tsuzuri's
// own importer) reads: bodies as HTML, tags as categories, comments kept.
func writeHatena(ctx context.Context, w io.Writer, each Each) (int, error) {
	n := 0
	err := each(ctx, func(e diary.Entry) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		n++
		var b strings.Builder
		status := "Publish"
		if slices.Contains(e.Tags, draftTag) {
			status = "Draft"
		}
		basename := e.SourceKey
		if e.Source != "hatena" || basename == "" {
			basename = strings.ReplaceAll(e.Date, "-", "/") + "/" + e.ID
		}
		fmt.Fprintf(&b, "AUTHOR: tsuzuri\nTITLE: %s\nBASENAME: %s\nSTATUS: %s\nALLOW COMMENTS: 1\nCONVERT BREAKS: 0\nDATE: %s\n",
			oneLine(e.Title), oneLine(basename), status, mtDate(e))
		for _, t := range e.Tags {
			if t != draftTag {
				fmt.Fprintf(&b, "CATEGORY: %s\n", oneLine(t))
			}
		}
		fmt.Fprintf(&b, "-----\nBODY:\n%s\n-----\nEXTENDED BODY:\n\n-----\nEXCERPT:\n\n-----\nKEYWORDS:\n\n-----\n", mtText(render.Markdown(e.Body)))
		for _, c := range e.Comments {
			fmt.Fprintf(&b, "COMMENT:\nAUTHOR: %s\nEMAIL: \nIP: \nURL: \nDATE: %s\n%s\n-----\n",
				oneLine(c.Author), c.Date.Local().Format("01/02/2006 15:04:05"), mtText(c.Body))
		}
		b.WriteString("--------\n")
		_, err := io.WriteString(w, b.String())
		return err
	})
	return n, err
}

// mtDate is the entry's diary day at the time of day it was written.
func mtDate(e diary.Entry) string {
	day, err := time.ParseInLocation(diary.DateLayout, e.Date, time.Local)
	if err != nil {
		return e.Date
	}
	at := e.CreatedAt.Local()
	return day.Add(time.Duration(at.Hour())*time.Hour + time.Duration(at.Minute())*time.Minute + time.Duration(at.Second())*time.Second).
		Format("01/02/2006 15:04:05")
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// mtText keeps a body from ending its section early: a line of five or
// eight dashes is the format's separator, so such a line gets an entity.
func mtText(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if strings.Trim(strings.TrimRight(l, "\r"), "-") == "" && len(strings.TrimRight(l, "\r")) >= 5 {
			lines[i] = "&#45;" + l[1:]
		}
	}
	return strings.Join(lines, "\n")
}
