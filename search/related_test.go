package search

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
)

// relatedDiary is a small diary of a few topics, each written about more
// than once, so that what an entry is about decides what it is like.
var relatedDiary = []Document{
	{ID: "pm-api", Title: "決済APIの障害ポストモーテム", Date: "2025-01-10",
		Body: "決済APIがタイムアウトした。原因はコネクションプールの枯渇。Bytebase でスキーマ変更の履歴を確かめた。"},
	{ID: "pm-latency", Title: "ポストモーテム: 決済の遅延", Date: "2025-02-03",
		Body: "決済サービスのレイテンシが悪化した。コネクションプールの上限を見直し、再発防止策をまとめた。"},
	{ID: "bytebase", Title: "Bytebase 導入メモ", Date: "2025-03-01",
		Body: "Bytebase でスキーマ変更のレビューを回す。マイグレーションの承認フローを決めた。"},
	{ID: "hike", Title: "週末の登山", Date: "2025-04-05",
		Body: "高尾山に登った。紅葉がきれいだった。下山して蕎麦を食べた。"},
	{ID: "gear", Title: "登山の装備", Date: "2025-04-20",
		Body: "高尾山の次は丹沢に行く。登山靴とレインウェアを買った。"},
	{ID: "db", Title: "夜間作業", Date: "2025-05-01",
		Body: "Database のバックアップを取ってから移行した。"},
	{ID: "book", Title: "読書メモ", Date: "2025-05-10", Body: "長編小説を読み終えた。文体が好きだ。"},
	{ID: "curry", Title: "料理", Date: "2025-05-11", Body: "カレーを作った。スパイスはクミンとコリアンダー。"},
	{ID: "garden", Title: "ベランダ", Date: "2025-05-12", Body: "ミニトマトの苗を植えた。水やりを忘れないこと。"},
	{ID: "movie", Title: "映画", Date: "2025-05-13", Body: "古い映画を観た。音楽が良かった。"},
}

func openRelated(t *testing.T) *Index {
	return openIndex(t, relatedDiary, 1)
}

func TestRelated(t *testing.T) {
	ix := openRelated(t)
	entry := func(id string) RelatedRequest {
		for _, d := range relatedDiary {
			if d.ID == id {
				return RelatedRequest{Text: d.Title + "\n" + d.Body, Title: d.Title, Exclude: id}
			}
		}
		t.Fatalf("no entry %s", id)
		return RelatedRequest{}
	}
	tests := []struct {
		name    string
		req     RelatedRequest
		first   string
		only    []string            // every hit is one of these
		shared  map[string][]string // words each of these hits must share
		notSome []string            // words no hit may list as shared
	}{
		{
			name:   "a postmortem finds the other postmortem first, by the words they share",
			req:    entry("pm-api"),
			first:  "pm-latency",
			only:   []string{"pm-latency", "bytebase"},
			shared: map[string][]string{"pm-latency": {"決済", "コネクションプール", "ポストモーテム"}, "bytebase": {"bytebase", "スキーマ"}},
		},
		{
			name:   "a text being typed, not yet saved, has no id to leave out",
			req:    RelatedRequest{Text: "高尾山の紅葉\n今年も登山に行きたい"},
			first:  "hike",
			only:   []string{"hike", "gear"},
			shared: map[string][]string{"hike": {"高尾山", "紅葉", "登山"}, "gear": {"高尾山", "登山"}},
		},
		{
			name:   "another spelling of a word counts, shown as the text writes it",
			req:    RelatedRequest{Text: "データベース\nデータベースのバックアップを確かめる"},
			first:  "db",
			shared: map[string][]string{"db": {"データベース", "バックアップ"}},
		},
		{
			name:    "the plain more-like-this lists the same kind of entries",
			req:     RelatedRequest{Text: entry("gear").Text, Exclude: "gear", Plain: true},
			first:   "hike",
			only:    []string{"hike"},
			notSome: []string{"レインウェア"}, // only in the entry itself
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits, err := ix.Related(context.Background(), tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) == 0 {
				t.Fatal("no related entries")
			}
			if hits[0].ID != tt.first {
				t.Errorf("first related = %s, want %s (all: %+v)", hits[0].ID, tt.first, hits)
			}
			for _, h := range hits {
				if h.ID == tt.req.Exclude {
					t.Errorf("the entry itself is listed: %+v", hits)
				}
				if tt.only != nil && !slices.Contains(tt.only, h.ID) {
					t.Errorf("%s listed, which shares nothing distinctive (shares %v)", h.ID, h.Shared)
				}
				for _, w := range tt.shared[h.ID] {
					if !slices.Contains(h.Shared, w) {
						t.Errorf("%s shares %v, want %q among them", h.ID, h.Shared, w)
					}
				}
				for _, w := range tt.notSome {
					if slices.Contains(h.Shared, w) {
						t.Errorf("%s lists %q as shared, which it does not have", h.ID, w)
					}
				}
			}
			for id := range tt.shared {
				if !slices.ContainsFunc(hits, func(h RelatedHit) bool { return h.ID == id }) {
					t.Errorf("%s not listed: %+v", id, hits)
				}
			}
		})
	}
}

func TestRelatedOfLittleTextIsNothing(t *testing.T) {
	ix := openRelated(t)
	for _, text := range []string{"", "   ", "あ", "今日は", "高尾山", "ok", "\xff\xfe"} {
		hits, err := ix.Related(context.Background(), RelatedRequest{Text: text})
		if err != nil {
			t.Errorf("Related(%q): %v", text, err)
		}
		if hits == nil || len(hits) != 0 {
			t.Errorf("Related(%q) = %+v, want an empty list", text, hits)
		}
	}
}

func TestRelatedLimitAndCancel(t *testing.T) {
	ix := openRelated(t)
	// Words every entry of the topic has, so there are more than enough.
	req := RelatedRequest{Text: "決済 コネクションプール Bytebase スキーマ 高尾山 登山", Limit: 2}
	hits, err := ix.Related(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 2 {
		t.Errorf("limit 2 gave %d hits", len(hits))
	}
	req.Limit = 0
	if hits, _ = ix.Related(context.Background(), req); len(hits) != relatedDefault {
		t.Errorf("default limit gave %d hits, want %d", len(hits), relatedDefault)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ix.Related(ctx, req); err == nil {
		t.Error("a cancelled request did not stop")
	}
}

// FuzzRelated: any text, however broken, gives a list or nothing, never
// an error, and never the excluded entry.
func FuzzRelated(f *testing.F) {
	for _, d := range relatedDiary {
		f.Add(d.Title+"\n"+d.Body, d.ID)
	}
	f.Add("\xff\xfeコネクション\x00プール", "")
	f.Add("ａｂｃ ＡＢＣ abc-def ｻｰﾊﾞｰ サーバー", "db")
	ix, err := Open(filepath.Join(f.TempDir(), "index"))
	if err != nil {
		f.Fatal(err)
	}
	defer ix.Close()
	if err := ix.Apply(context.Background(), relatedDiary, nil, 1); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text, exclude string) {
		hits, err := ix.Related(context.Background(), RelatedRequest{Text: text, Title: text, Exclude: exclude})
		if err != nil {
			t.Fatalf("Related(%q): %v", text, err)
		}
		for _, h := range hits {
			if h.ID == exclude {
				t.Fatalf("Related(%q) lists the excluded %s", text, exclude)
			}
		}
	})
}
