package search

import (
	"context"
	"slices"
	"testing"
)

// Notes written one way, searched for the ways people recall them.
var recalled = []Document{
	{ID: "okuri", Title: "週次の定例", Body: "今日は打ち合わせが三本あった。議事録は共有フォルダに置いた。", Date: "2024-01-10"},
	{ID: "okuri-literal", Title: "別件", Body: "打合せの前に資料を読む。", Date: "2024-01-11"},
	{ID: "chouon", Title: "ビルド改善", Body: "コンテナイメージを小さくするためにマルチステージビルドを使った。", Date: "2024-02-01"},
	{ID: "compound-no", Title: "訓練", Body: "四半期ごとの障害の訓練を実施した。", Date: "2024-02-10"},
	{ID: "compound-latin", Title: "検出", Body: "AWS SecurityHub の検出結果をまとめた。", Date: "2024-02-20"},
	{ID: "loan", Title: "移設", Body: "古いサーバからのマイグレーションが終わった。", Date: "2024-03-01"},
	{ID: "loan-back", Title: "plan", Body: "The schema migration plan is ready.", Date: "2024-03-02"},
	{ID: "abbr", Title: "クラスタ", Body: "Kubernetes のバージョンを上げた。", Date: "2024-03-10"},
	{ID: "abbr-db", Title: "設計", Body: "データベースの正規化について話した。", Date: "2024-03-11"},
	{ID: "yomi", Title: "振り返り", Body: "障害訓練の振り返りをした。", Date: "2024-04-01"},
	{ID: "typo-homophone", Title: "読書", Body: "移行ガイドを最後まで読んだ。", Date: "2024-04-10"},
	{ID: "typo-lookalike", Title: "働き方", Body: "コロナ禍の働き方を振り返る。", Date: "2024-04-20"},
	{ID: "typo-kana", Title: "計測", Body: "ストップウォッチで処理時間を計った。", Date: "2024-04-30"},
	{ID: "user", Title: "進捗", Body: "Project Hoge の進捗を共有した。", Date: "2024-05-01"},
}

func openRecalled(t *testing.T) *Index {
	return openIndex(t, recalled, 1)
}

func TestSearchFindsWhatWasMeant(t *testing.T) {
	ix := openRecalled(t)
	ix.SetSynonyms(ParseSynonyms("ほげ計画, Project Hoge"))
	tests := []struct {
		class, query, want string
		suggest            bool // nothing matches as typed: a suggestion comes with the hits
	}{
		{"okurigana", "打合せ", "okuri", false},
		{"kana spelling", "うちあわせ", "okuri", true},
		{"long vowel inside a word", "コンテナーイメージ", "chouon", true},
		{"compound glued", "障害訓練", "compound-no", false},
		{"compound apart, quoted", `"AWS Security Hub"`, "compound-latin", true},
		{"compound glued, Latin", "security hub", "compound-latin", true},
		{"loanword from English", "migration", "loan", false},
		{"loanword to English", "マイグレーション", "loan-back", false},
		{"abbreviation", "k8s", "abbr", true},
		{"abbreviation to katakana", "DB 正規化", "abbr-db", true},
		{"reading in kana", "しょうがいくんれん", "yomi", true},
		{"reading in romaji", "shougai", "yomi", true},
		{"homophone", "以降ガイド", "typo-homophone", true},
		{"look-alike kanji", "コロナ渦", "typo-lookalike", true},
		{"missing kana", "ストップウッチ", "typo-kana", true},
		{"user synonym", "ほげ計画", "user", true},
	}
	for _, tt := range tests {
		t.Run(tt.class, func(t *testing.T) {
			res, err := ix.Search(context.Background(), Request{Query: tt.query, Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, h := range res.Hits {
				ids = append(ids, h.ID)
				if h.ID == tt.want && h.Match != MatchVariant {
					t.Errorf("%s matched %q, want %q", h.ID, h.Match, MatchVariant)
				}
			}
			if !slices.Contains(ids, tt.want) {
				t.Fatalf("Search(%q) = %v, want %s among them", tt.query, ids, tt.want)
			}
			if tt.suggest && res.Suggestion == "" {
				t.Errorf("Search(%q) suggests nothing", tt.query)
			}
		})
	}
}

func TestLiteralMatchesComeFirst(t *testing.T) {
	ix := openRecalled(t)
	res, err := ix.Search(context.Background(), Request{Query: "打合せ", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) < 2 || res.Hits[0].ID != "okuri-literal" || res.Hits[0].Match != MatchExact {
		t.Fatalf("hits = %+v, want the entry with 打合せ as typed first", res.Hits)
	}
	if res.Suggestion != "" {
		t.Errorf("suggestion %q although the query matched as typed", res.Suggestion)
	}
	// The variant's own spelling is what an opened entry highlights.
	if !slices.Contains(res.Terms, "打ち合わせ") {
		t.Errorf("terms %v do not include the spelling the variant hit has", res.Terms)
	}
	// A page the literal matches fill has no variants at all.
	res, err = ix.Search(context.Background(), Request{Query: "打合せ", Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || len(res.Hits) != 1 || res.Hits[0].Match != MatchExact {
		t.Errorf("a page full of literal matches: total %d, hits %+v", res.Total, res.Hits)
	}
	// Paging on past the literal matches reaches the variants.
	res, err = ix.Search(context.Background(), Request{Query: "打合せ", Limit: 1, Offset: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 1 || res.Hits[0].ID != "okuri" {
		t.Errorf("second page = %+v, want the variant", res.Hits)
	}
}

func TestVariantsDoNotLoosenFiltersOrExclusions(t *testing.T) {
	ix := openRecalled(t)
	for _, tt := range []struct{ query, unwanted string }{
		{"うちあわせ -議事録", "okuri"},
		{"うちあわせ date:2023", "okuri"},
		{"k8s tag:nothing", "abbr"},
	} {
		res, err := ix.Search(context.Background(), Request{Query: tt.query, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range res.Hits {
			if h.ID == tt.unwanted {
				t.Errorf("Search(%q) found %s", tt.query, h.ID)
			}
		}
	}
}

func TestNothingToSuggestFindsNothing(t *testing.T) {
	findsNothing(t, openRecalled(t), "ゑゐゑゐ xqzvvk", "a query nothing resembles")
}

// findsNothing checks that query finds no entry and suggests nothing.
func findsNothing(t *testing.T, ix *Index, query, why string) {
	t.Helper()
	res, err := ix.Search(context.Background(), Request{Query: query, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 0 || res.Suggestion != "" {
		t.Errorf("Search(%q): hits %+v, suggestion %q for %s", query, res.Hits, res.Suggestion, why)
	}
}

// A slip shows as one unknown pair in a word whose other pairs the diary
// has (コロナ渦). A two-kanji word it has no pair of is not a slip of
// whatever word starts with the same kanji: 処罰 is not 処理.
func TestAnUnknownWordIsNotTakenForASlip(t *testing.T) {
	findsNothing(t, openRecalled(t), "処罰", "a word the diary has no pair of")
}

// A slip stays in its script: イスク is not イスを, though the diary has スを
// where the query has the unknown pair スク.
func TestASlipIsCorrectedWithinItsScript(t *testing.T) {
	ix := openWithTexts(t, []Document{
		{ID: "ice", Title: "夏", Body: "アイスを食べた。", Date: "2024-07-01"},
	})
	findsNothing(t, ix, "イスク", "a katakana slip, which only a hiragana would correct")
}

// A word the diary has as one (高等女学校, clipped as 高女) is searched
// even where spellings put together from common character pairs (高い女,
// 今日は女…, each counted by its pairs) are more numerous than the
// variants a word may have.
func TestAWordOfTheDiaryIsNotCrowdedOutByGuesses(t *testing.T) {
	pairs := "最高の天気で、最高は二十五度。最高が更新され、最高も最低も高め。割高な店で高い定食を食べ、" +
		"値段が高く感じた。昔は高かった。最高に楽しく、最高と言える。若い女性とよく女優の話をした。" +
		"誰か女の人が来た。隣の女の子。今日は女子会。彼が女性を紹介した。私も女性。きれいな女優。" +
		"部屋に女性。友人と女子会。そのため女性が多い。"
	ix := openIndex(t, []Document{
		{ID: "word", Title: "祖母", Body: "祖母は高等女学校を卒業した。", Date: "2024-06-01"},
		{ID: "pairs-1", Title: "休日", Body: pairs, Date: "2024-06-02"},
		{ID: "pairs-2", Title: "週末", Body: "週末の話。" + pairs, Date: "2024-06-03"},
	}, 1)
	res, err := ix.Search(context.Background(), Request{Query: "高女", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	if len(ids) == 0 || ids[0] != "word" {
		t.Errorf("Search(高女) = %v, want the entry with 高等女学校 first", ids)
	}
}
