package search

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

func TestParseQuery(t *testing.T) {
	tests := []struct {
		in   string
		want Query
	}{
		{"障害 ポストモーテム", Query{Must: [][]Term{{{Text: "障害"}}, {{Text: "ポストモーテム"}}}}},
		{"障害　対応", Query{Must: [][]Term{{{Text: "障害"}}, {{Text: "対応"}}}}},
		{`"SLA 99.95%" 「障害 報告」`, Query{Must: [][]Term{{{Text: "SLA 99.95%", Phrase: true}}, {{Text: "障害 報告", Phrase: true}}}}},
		{"京都 -新幹線", Query{Must: [][]Term{{{Text: "京都"}}}, Not: []Term{{Text: "新幹線"}}}},
		{"AWS OR GCP 料金", Query{Must: [][]Term{{{Text: "AWS"}, {Text: "GCP"}}, {{Text: "料金"}}}}},
		{"tag:SRE #障害対応 -tag:draft", Query{Tags: []string{"sre", "障害対応"}, NotTags: []string{"draft"}}},
		{"date:2024-03", Query{From: "2024-03-01", To: "2024-03-31"}},
		{"after:2024-01-01 before:2024-02-01", Query{From: "2024-01-01", To: "2024-01-31"}},
		{"date:2024 after:2024-06", Query{From: "2024-06-01", To: "2024-12-31"}},
		{"date:someday", Query{Must: [][]Term{{{Text: "date:someday"}}}}},
		{`"unclosed phrase`, Query{Must: [][]Term{{{Text: "unclosed phrase", Phrase: true}}}}},
		{"OR - -- OR", Query{}},
		{"C++ -", Query{Must: [][]Term{{{Text: "C++"}}}}},
		{"", Query{}},
	}
	for _, tt := range tests {
		if got := ParseQuery(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseQuery(%q) =\n %+v\nwant\n %+v", tt.in, got, tt.want)
		}
	}
}

// fixture is a small diary written for these tests.
var fixture = []Document{
	{ID: "kyoto", Title: "京都出張", Body: "新幹線で京都へ。サーバーの移設を見に行った。", Date: "2023-11-02", Tags: []string{"出張"}},
	{ID: "tokyo", Title: "東京都の勉強会", Body: "東京都内で AWS Security Hub の勉強会。京都からの参加者も。", Date: "2024-03-01", Tags: []string{"AWS", "勉強会"}},
	{ID: "sla", Title: "SLA の見直し", Body: "SLA 99.95% を守るためにエラーバジェットを決めた。", Date: "2024-05-20", Tags: []string{"SRE"}},
	{ID: "pm", Title: "ポストモーテム", Body: "DB 接続が枯渇した障害のポストモーテム。ユーザー影響は 12 分。", Date: "2024-06-11", Tags: []string{"SRE", "障害"}},
	{ID: "bytebase", Title: "Bytebase 導入", Body: "スキーマ移行を Bytebase で管理する。GitOps 連携も試す。", Date: "2025-01-15", Tags: []string{"DB"}},
}

func openFixture(t *testing.T) *Index {
	return openIndex(t, fixture, 5)
}

// openIndex indexes docs, up to change seq, in a fresh index closed when
// the test ends.
func openIndex(t *testing.T, docs []Document, seq int64) *Index {
	t.Helper()
	ix, err := Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if err := ix.Apply(context.Background(), docs, nil, seq); err != nil {
		t.Fatal(err)
	}
	return ix
}

// scoresOf runs a Bleve query on the index and gives each hit's score by id.
func scoresOf(t *testing.T, ix *Index, q query.Query) map[string]float64 {
	t.Helper()
	return scoresIn(context.Background(), t, ix, q)
}

// scoresIn is scoresOf with ctx.
func scoresIn(ctx context.Context, t *testing.T, ix *Index, q query.Query) map[string]float64 {
	t.Helper()
	res, err := ix.idx.SearchInContext(ctx, bleve.NewSearchRequestOptions(q, 100, 0, false))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, h := range res.Hits {
		out[h.ID] = h.Score
	}
	return out
}

func ids(t *testing.T, ix *Index, req Request) []string {
	t.Helper()
	res, err := ix.Search(context.Background(), req)
	if err != nil {
		t.Fatalf("Search(%q): %v", req.Query, err)
	}
	out := []string{}
	for _, h := range res.Hits {
		out = append(out, h.ID)
	}
	return out
}

func TestSearchBehaviour(t *testing.T) {
	ix := openFixture(t)
	tests := []struct {
		query string
		sort  string
		want  []string // in order
	}{
		{"京都", "", []string{"kyoto", "tokyo"}}, // the word first, then 東京都 which contains it
		{"ｻｰﾊﾞ", "", []string{"kyoto"}},
		{"ユーザ", "", []string{"pm"}},
		{"aws security hub", "", []string{"tokyo"}},
		{`"SLA 99.95%"`, "", []string{"sla"}},
		{"京都 -新幹線", "", []string{"tokyo"}},
		{"bytebase OR ポストモーテム", "date", []string{"bytebase", "pm"}},
		{"tag:sre", "", []string{"pm", "sla"}},
		{"#SRE 障害", "", []string{"pm"}},
		{"date:2024", "", []string{"pm", "sla", "tokyo"}},
		{"after:2024-05-01 before:2024-06-01", "", []string{"sla"}},
		{"-tag:SRE date:2024", "", []string{"tokyo"}},
		{"移", "", []string{"bytebase", "kyoto"}}, // one character still finds
		{"🍣", "", []string{}},
		{"存在しない言葉", "", []string{}},
	}
	for _, tt := range tests {
		got := ids(t, ix, Request{Query: tt.query, Sort: tt.sort})
		if tt.query == "移" {
			slices.Sort(got)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Search(%q) = %v, want %v", tt.query, got, tt.want)
		}
	}
}

// A typed word is found whole: a note that has only part of a compound is
// not a result, and a quoted phrase of words matches only where they stand
// together. Words typed together rank notes that have them together first,
// even above a note with all of them in its title.
func TestWordsAndPhrasesMatchWhole(t *testing.T) {
	ix, err := Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	docs := []Document{
		{ID: "part", Title: "夜間の呼び出し", Body: "障害が起きたので朝まで様子を見た。", Date: "2024-02-01"},
		{ID: "whole", Title: "週次メモ", Body: "障害対応の手順を見直した。", Date: "2024-02-02"},
		{ID: "together", Title: "週次メモ", Body: "AWS Security Hub の検出結果を確認した。", Date: "2024-02-03"},
		{ID: "apart", Title: "Hub と Security と AWS", Body: "AWS の請求。security の勉強会。hub の掃除。", Date: "2024-02-04"},
		{ID: "version", Title: "リリース", Body: "SLA は 99.95% のまま、node.js を更新。", Date: "2024-02-05"},
		{ID: "numbers", Title: "計測", Body: "95 回のうち 99 回目で node の js を確認。", Date: "2024-02-06"},
	}
	if err := ix.Apply(context.Background(), docs, nil, int64(len(docs))); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		query string
		want  []string // in order
	}{
		{"障害対応", []string{"whole"}},
		{"障害", []string{"part", "whole"}},
		{`"AWS Security Hub"`, []string{"together"}},
		{`"security hub"`, []string{"together"}},
		{"aws security hub", []string{"together", "apart"}},
		{`"99.95"`, []string{"version"}},
		{`"node.js"`, []string{"version"}},
		{"node js", []string{"version", "numbers"}},
	}
	for _, tt := range tests {
		got := ids(t, ix, Request{Query: tt.query})
		if tt.query == "障害" {
			slices.Sort(got)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Search(%q) = %v, want %v", tt.query, got, tt.want)
		}
	}
}

func TestSearchPagingFacetsAndDeletes(t *testing.T) {
	ix := openFixture(t)
	ctx := context.Background()
	res, err := ix.Search(ctx, Request{Query: "after:2023", Limit: 2, Offset: 2, Facets: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 5 || len(res.Hits) != 2 {
		t.Errorf("total %d, page of %d", res.Total, len(res.Hits))
	}
	if !slices.Contains(res.Tags, Facet{"SRE", 2}) || !reflect.DeepEqual(res.Years, []Facet{{"2025", 1}, {"2024", 3}, {"2023", 1}}) {
		t.Errorf("facets tags %v years %v", res.Tags, res.Years)
	}
	if err := ix.Apply(ctx, nil, []string{"kyoto"}, 6); err != nil {
		t.Fatal(err)
	}
	if got := ids(t, ix, Request{Query: "新幹線"}); len(got) != 0 {
		t.Errorf("a deleted entry is still found: %v", got)
	}
	if seq, _ := ix.Seq(); seq != 6 {
		t.Errorf("Seq = %d, want 6", seq)
	}
	if n, _ := ix.Count(); n != 4 {
		t.Errorf("Count = %d", n)
	}
}

func TestReopenKeepsIndexAndResetEmptiesIt(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Apply(context.Background(), fixture, nil, 42); err != nil {
		t.Fatal(err)
	}
	ix.Close()
	ix, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if seq, _ := ix.Seq(); seq != 42 {
		t.Errorf("Seq after reopen = %d", seq)
	}
	if err := ix.Reset(); err != nil {
		t.Fatal(err)
	}
	if seq, _ := ix.Seq(); seq != 0 {
		t.Errorf("Seq after reset = %d", seq)
	}
	if n, _ := ix.Count(); n != 0 {
		t.Errorf("Count after reset = %d", n)
	}
}

// Among results that score the same, the newer comes first, on every page:
// when a run of equal scores crosses the edge of a page, which of them are
// on it depends on their dates too.
func TestEqualScoresAreNewestFirstOnEveryPage(t *testing.T) {
	ix, err := Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	// The same note on days indexed out of order, and one that scores
	// higher (the word twice) and one lower (a longer note).
	days := []string{"2021-05-01", "2024-01-09", "2019-12-31", "2023-07-07", "2020-02-02", "2022-03-03"}
	var docs []Document
	for i, d := range days {
		docs = append(docs, Document{ID: "same-" + d, Title: "日記", Body: "朝の散歩で紫陽花を見た。", Date: d})
		if i == 2 {
			docs = append(docs, Document{ID: "twice", Title: "日記", Body: "紫陽花、紫陽花。", Date: "2018-01-01"})
		}
	}
	docs = append(docs, Document{ID: "long", Title: "日記", Body: "長い一日だった。会議が三つあり、その合間に駅前の花屋で紫陽花を買って、帰ってから夕飯を作った。", Date: "2025-01-01"})
	if err := ix.Apply(context.Background(), docs, nil, 1); err != nil {
		t.Fatal(err)
	}
	want := []string{"twice", "same-2024-01-09", "same-2023-07-07", "same-2022-03-03", "same-2021-05-01", "same-2020-02-02", "same-2019-12-31", "long"}
	if got := ids(t, ix, Request{Query: "紫陽花"}); !slices.Equal(got, want) {
		t.Fatalf("all on one page:\n got %v\nwant %v", got, want)
	}
	for _, size := range []int{1, 2, 3, 5} {
		for offset := 0; offset < len(want); offset += size {
			got := ids(t, ix, Request{Query: "紫陽花", Limit: size, Offset: offset})
			if w := want[offset:min(offset+size, len(want))]; !slices.Equal(got, w) {
				t.Errorf("page of %d from %d = %v, want %v", size, offset, got, w)
			}
		}
	}
}

// Merging the index after a bulk load changes nothing a search sees, keeps
// a write made while it runs, and survives a reopen.
func TestCompactKeepsEverything(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i, d := range fixture { // one batch each: one segment each
		if err := ix.Apply(ctx, []Document{d}, nil, int64(i+1)); err != nil {
			t.Fatal(err)
		}
	}
	queries := []string{"京都", "サーバ", "tag:SRE", "postmortem", "date:2024"}
	before := map[string][]string{}
	for _, q := range queries {
		before[q] = ids(t, ix, Request{Query: q})
	}
	done := make(chan error, 1)
	go func() { done <- ix.Compact(ctx) }()
	late := Document{ID: "late", Title: "合間の記録", Body: "統合の最中に書いた。", Date: "2025-02-01"}
	if err := ix.Apply(ctx, []Document{late}, nil, 6); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	ix.Close()
	if ix, err = Open(dir); err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for _, q := range queries {
		if got := ids(t, ix, Request{Query: q}); !slices.Equal(got, before[q]) {
			t.Errorf("%q after compacting = %v, before %v", q, got, before[q])
		}
	}
	if got := ids(t, ix, Request{Query: "合間"}); !slices.Equal(got, []string{"late"}) {
		t.Errorf("the entry written while compacting: %v", got)
	}
	if seq, _ := ix.Seq(); seq != 6 {
		t.Errorf("Seq after compacting = %d, want 6", seq)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := ix.Compact(cancelled); err == nil {
		t.Error("a cancelled compaction reports no error")
	}
}

func TestSnippet(t *testing.T) {
	body := "前置き。" + strings.Repeat("関係のない話。", 30) + "ここで<サーバー>が落ちた & 再起動した。" + strings.Repeat("後日談。", 30)
	got := Snippet(body, []string{Fold("ｻｰﾊﾞｰ")}, 40)
	if !strings.Contains(got, "&lt;<mark>サーバー</mark>&gt;が落ちた &amp; 再起動") {
		t.Errorf("Snippet = %q", got)
	}
	if !strings.HasPrefix(got, "…") || !strings.HasSuffix(got, "…") {
		t.Errorf("a cut snippet shows where it was cut: %q", got)
	}
	if n := utf8.RuneCountInString(strings.NewReplacer("<mark>", "", "</mark>", "", "&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(got)); n > 42 {
		t.Errorf("snippet of %d characters, want about 40", n)
	}
	if got := Snippet("<b>太字</b>\n\n次の行", nil, 100); got != "&lt;b&gt;太字&lt;/b&gt; 次の行" {
		t.Errorf("no-match snippet = %q", got)
	}
}

// A huge entry's snippet comes from its first MB: a match early on is shown,
// one only far beyond is not looked for, and either way the snippet is short.
func TestSnippetOfAHugeEntry(t *testing.T) {
	filler := strings.Repeat("関係のない長い話が続く。", snippetScan/30)
	early := "冒頭。ここで障害が起きた。" + filler + filler
	if got := Snippet(early, []string{"障害"}, 40); !strings.Contains(got, "<mark>障害</mark>") || utf8.RuneCountInString(got) > 60 {
		t.Errorf("early match: %.80q", got)
	}
	late := "冒頭。" + filler + filler + "ここで障害が起きた。"
	if got := Snippet(late, []string{"障害"}, 40); !strings.HasPrefix(got, "冒頭。") || strings.Contains(got, "<mark>") || !strings.HasSuffix(got, "…") {
		t.Errorf("match beyond the first MB: %.80q", got)
	}
}

func TestHighlightsAreByteRangesOfTheOriginal(t *testing.T) {
	text := "ＡＷＳの設定。ｻｰﾊﾞｰとサーバー、ユーザー。"
	spans := Highlights(text, []string{"aws", "サーバ", "ユーザ"})
	var got []string
	for _, s := range spans {
		got = append(got, text[s[0]:s[1]])
	}
	want := []string{"ＡＷＳ", "ｻｰﾊﾞｰ", "サーバー", "ユーザー"}
	if got := Highlights("サーバーレス", []string{"サ"}); len(got) != 1 || got[0] != [2]int{0, 3} {
		t.Errorf("a kept long-vowel mark is not part of a match of サ: %v", got)
	}
	if !slices.Equal(got, want) {
		t.Errorf("highlighted %q, want %q", got, want)
	}
}

func FuzzSearch(f *testing.F) {
	for _, s := range []string{`"`, "-", "OR", "tag:", "#", "date:", "after:9999-99-99", "「", "\xff", "🍣 OR -🍺", strings.Repeat("あ", 3000), `a" OR "b`, "-\"x\"", "ー",
		// Words that go through the variant rounds.
		"k8s", "a11y", "a99999999999y", "しょうがいくんれん", "shougai", "ストップウッチ", "SecurityHub", "障害の訓練", "の", "ののの",
		"ーーーー", "ヴァイオリン", "memory leak", "以降ガイド", strings.Repeat("しょうがい", 40), strings.Repeat("カ", 200),
		// Words learned from the diary, and literal checks.
		"OTel", "SLC", "AbCdEfGhIjKl", "ピニア", "ばいとべーす", "普選", "o11y", "SRE", "エラーバジェット", "のののののの", "sre hub OR aws"} {
		f.Add(s)
	}
	ix, err := Open(filepath.Join(f.TempDir(), "index"))
	if err != nil {
		f.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Apply(context.Background(), fixture, nil, 1); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q string) {
		res, err := ix.Search(context.Background(), Request{Query: q, Facets: true})
		if err != nil {
			t.Fatalf("Search(%q): %v", q, err)
		}
		for _, term := range res.Terms {
			if !utf8.ValidString(term) {
				t.Fatalf("term %q is not valid UTF-8", term)
			}
		}
		seen := map[string]bool{}
		for _, h := range res.Hits {
			if h.Match != MatchExact && h.Match != MatchVariant && h.Match != MatchPartial {
				t.Fatalf("hit %s matched %q", h.ID, h.Match)
			}
			if seen[h.ID] {
				t.Fatalf("hit %s listed twice", h.ID)
			}
			seen[h.ID] = true
		}
		if res.Suggestion != "" && !utf8.ValidString(res.Suggestion) {
			t.Fatalf("suggestion %q is not valid UTF-8", res.Suggestion)
		}
		for _, d := range fixture {
			Snippet(d.Body, res.Terms, 60)
		}
	})
}

// A query that matches most of a large diary answers with the exact total
// and the same page, and counts facets over its top results only.
func TestBroadQueryFacetsComeFromTheTopResults(t *testing.T) {
	ix, err := Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	docs := make([]Document, facetAll+100)
	for i := range docs {
		docs[i] = Document{ID: fmt.Sprintf("d%05d", i), Title: "日記", Body: fmt.Sprintf("今日の記録 %d", i), Date: fmt.Sprintf("20%02d-01-01", 10+i%10), Tags: []string{fmt.Sprintf("t%d", i%3)}}
	}
	docs[7].Body = "今日は珍しい記録"
	if err := ix.Apply(context.Background(), docs, nil, 1); err != nil {
		t.Fatal(err)
	}
	search := func(q string, facets bool) *Result {
		res, err := ix.Search(context.Background(), Request{Query: q, Limit: 20, Facets: facets})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	broad, plain := search("記録", true), search("記録", false)
	if broad.Total != uint64(len(docs)) || !broad.FacetsFromTop {
		t.Errorf("broad query: total %d (want %d), facets from top %v", broad.Total, len(docs), broad.FacetsFromTop)
	}
	if !slices.EqualFunc(broad.Hits, plain.Hits, func(a, b Hit) bool { return a.ID == b.ID }) || len(broad.Hits) != 20 {
		t.Errorf("counting facets changed the page: %v vs %v", broad.Hits, plain.Hits)
	}
	counted := 0
	for _, f := range broad.Tags {
		counted += f.Count
	}
	if counted != facetSample {
		t.Errorf("facets counted %d results, want the top %d", counted, facetSample)
	}
	narrow := search("珍しい", true)
	if narrow.FacetsFromTop || len(narrow.Tags) != 1 || narrow.Tags[0].Count != 1 {
		t.Errorf("narrow query facets: %+v, from top %v", narrow.Tags, narrow.FacetsFromTop)
	}
}

// A word whose every part is itself (コード, 障害, aws) is searched without
// a filter beside its disjunction; the hits and scores are those Bleve's
// filter gives, for those words and for the words whose parts match more
// than they do (障害対応, a quoted phrase), which keep one.
func TestWholeWordsNeedNoFilter(t *testing.T) {
	docs := append(slices.Clone(fixture),
		Document{ID: "part", Title: "夜間の呼び出し", Body: "障害が起きたので対応は朝にした。コードの確認。", Date: "2024-02-01"},
		Document{ID: "whole", Title: "週次メモ", Body: "障害対応の手順を見直した。コードレビューとコード整形。", Date: "2024-02-02"},
		Document{ID: "apart", Title: "Hub と Security", Body: "AWS の請求。security の勉強会。コー ドと書いた。", Date: "2024-02-04"},
	)
	ix := openIndex(t, docs, int64(len(docs)))
	search := func(q query.Query) map[string]float64 { return scoresOf(t, ix, q) }
	for _, tt := range []struct {
		term    Term
		implied bool
	}{
		{Term{Text: "コード"}, true},
		{Term{Text: "障害"}, true},
		{Term{Text: "aws"}, true},
		{Term{Text: "aws security"}, true},
		{Term{Text: "移"}, true},
		{Term{Text: "障害対応"}, false},
		{Term{Text: "security hub", Phrase: true}, false},
	} {
		required, scoring, implied := termQueryParts(tt.term, false)
		if implied != tt.implied {
			t.Errorf("%q: implied %v, want %v", tt.term.Text, implied, tt.implied)
		}
		bleveFiltered := bleve.NewBooleanQuery()
		bleveFiltered.AddFilter(required)
		bleveFiltered.AddMust(scoring)
		want := search(bleveFiltered)
		if len(want) == 0 {
			t.Errorf("%q finds nothing in the fixture", tt.term.Text)
		}
		if got := search(termQuery(tt.term, false)); !maps.Equal(got, want) {
			t.Errorf("%q: hits %v, want those of the filtered query %v", tt.term.Text, got, want)
		}
		if !tt.implied && maps.Equal(search(scoring), want) {
			t.Errorf("%q: the fixture does not show what the filter narrows", tt.term.Text)
		}
	}
}
