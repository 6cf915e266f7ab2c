package search

import (
	"reflect"
	"slices"
	"testing"
)

func TestKanaOfOtherKind(t *testing.T) {
	tests := map[string]string{
		"ぽすともーてむ": "ポストモーテム",
		"ポストモーテム": "ぽすともーてむ",
		"ゔぁいおりん":  "ヴァイオリン",
		"障害":      "",
		"かなカナ":    "",
		"abc":     "",
	}
	for in, want := range tests {
		if got := kanaOfOtherKind(in); got != want {
			t.Errorf("kanaOfOtherKind(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSoundSkeletons(t *testing.T) {
	tests := []struct {
		latin, kana string
		same        bool
	}{
		{"webpack", "ウェブパック", true},
		{"pinia", "ピニア", true},
		{"prometheus", "プロメテウス", true},
		{"bytebase", "バイトベース", true},
		{"redux", "リダックス", true},
		{"filofax", "ファイロファクス", true},
		{"gavroche", "ガヴローシュ", true},
		{"elevator", "エレヴェーター", true},
		{"phosgene", "ホスゲン", true},
		{"usedebugvalue", "ユーズデバッグバリュー", true},
		{"webpack", "ウェブフック", false},
		{"redux", "リラックス", false},
		// A consonant written twice is one sound; with a vowel between,
		// two.
		{"florian", "フロリアン", true},
		{"from", "フロリアン", false},
		{"form", "フロリアン", false},
		{"helm", "フロリアン", false},
		{"commit", "コミット", true},
		{"tunnel", "トンネル", true},
		{"comma", "コンマ", true},
		{"banana", "バナナ", true},
		{"ban", "バナナ", false},
		// A final r katakana leaves unwritten, after an r it writes.
		{"color", "カラー", true},
		{"error", "エラー", true},
		{"mirror", "ミラー", true},
	}
	for _, tt := range tests {
		l, k := latinSkeleton(tt.latin), kanaSkeleton(tt.kana)
		if got := sameSound(l, k); got != tt.same {
			t.Errorf("%s (%s) and %s (%s): same sound %v, want %v", tt.latin, l, tt.kana, k, got, tt.same)
		}
	}
}

func TestAcronymChunks(t *testing.T) {
	tests := []struct {
		typed string
		want  [][]string
	}{
		{"SLC", [][]string{{"s", "l", "c"}}},
		{"CoC", [][]string{{"c", "o", "c"}, {"co", "c"}}},
		{"OTel", [][]string{{"o", "t", "e", "l"}, {"o", "tel"}}},
		{"DB", nil},    // two letters start too many pairs
		{"React", nil}, // one capital: a word
		{"k8s", nil},   // a numeronym
		{"slc", nil},   // no capitals
		{"WSL2", nil},  // not letters only
		{"HMR", [][]string{{"h", "m", "r"}}},
	}
	for _, tt := range tests {
		if got := acronymChunks(tt.typed); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("acronymChunks(%q) = %q, want %q", tt.typed, got, tt.want)
		}
	}
}

// engineering is a diary whose words no dictionary lists: product names,
// a team's acronyms, loanwords in katakana.
var engineering = []Document{
	{ID: "hmr", Title: "Vite", Body: "Hot Module Replacement が効かない。設定を見直した。", Date: "2024-01-01"},
	{ID: "wsl", Title: "開発環境", Body: "Windows Subsystem for Linux に移した。", Date: "2024-01-02"},
	{ID: "otel", Title: "計測", Body: "OpenTelemetry でトレースを取る。", Date: "2024-01-03"},
	{ID: "hmr-short", Title: "メモ", Body: "HMR の遅さを測った。", Date: "2024-01-04"},
	{ID: "pinia", Title: "状態管理", Body: "Vue の状態は Pinia に寄せた。", Date: "2024-01-05"},
	{ID: "prom", Title: "監視", Body: "Prometheus のアラートを整理。", Date: "2024-01-06"},
	{ID: "encap", Title: "設計", Body: "エンキャプシュレーションを意識してクラスを分けた。", Date: "2024-01-07"},
	{ID: "pm", Title: "振り返り", Body: "障害のポストモーテムを書いた。", Date: "2024-01-08"},
	{ID: "sre-tag", Title: "当番", Body: "夜間の当番表を作った。", Date: "2024-01-09", Tags: []string{"SRE"}},
	{ID: "sre-text", Title: "チーム", Body: "SRE の採用を始めた。", Date: "2024-01-10"},
	{ID: "fusen", Title: "歴史", Body: "普通選挙の実施は大正の末。", Date: "2024-01-11"},
	{ID: "koujo", Title: "回想", Body: "姉は高等女学校に通った。", Date: "2024-01-12"},
	{ID: "obs", Title: "可観測性", Body: "observability を上げるためにログを構造化した。", Date: "2024-01-13"},
	// CoC: the name, written as one; a lowercase look-alike that more
	// entries hold; pairs of it that stand in different entries.
	{ID: "coc", Title: "コミュニティ", Body: "参加する前に Code of Conduct を読んだ。", Date: "2024-02-01"},
	{ID: "canal1", Title: "旅行", Body: "運河の名は canal of cranes、静かだった。", Date: "2024-02-02"},
	{ID: "canal2", Title: "旅行2", Body: "また canal of cranes へ。", Date: "2024-02-03"},
	{ID: "capable", Title: "メモ2", Body: "チームは capable of anything だ。", Date: "2024-02-04"},
	{ID: "conduct", Title: "メモ3", Body: "rules of conduct", Date: "2024-02-05"},
	// Two-letter initials: attested by the words written together, or not.
	{ID: "pr", Title: "レビュー", Body: "pull request を出した。", Date: "2024-03-01"},
	{ID: "pr-short", Title: "マージ", Body: "PR を三つマージした。", Date: "2024-03-02"},
	{ID: "as-word", Title: "道具", Body: "use it as a tool.", Date: "2024-03-03"},
}

func TestWordsLearnedFromTheDiary(t *testing.T) {
	ix := openWithTexts(t, engineering)
	tests := []struct {
		query string
		want  []string // id:match, in order
	}{
		// Acronyms from adjacent words and camel case, and back.
		{"HMR", []string{"hmr-short:exact", "hmr:variant"}},
		{"WSL", []string{"wsl:variant"}},
		{"OTel", []string{"otel:variant"}},
		// The name written with capitals comes first, before a phrase more
		// entries hold; pairs from different entries make no phrase.
		{"CoC", []string{"coc:variant", "canal2:variant", "canal1:variant"}},
		{"hot module replacement", []string{"hmr:exact", "hmr-short:variant"}},
		{"pull request", []string{"pr:exact", "pr-short:variant"}},
		// Initials of two words the diary never writes together are
		// anybody's: as is not action semver.
		{"action semver", []string{}},
		// Clipped kanji words.
		{"普選", []string{"fusen:variant"}},
		{"高女", []string{"koujo:variant"}},
		// Katakana and Latin by sound, both ways.
		{"ピニア", []string{"pinia:variant"}},
		{"プロメテウス", []string{"prom:variant"}},
		{"encapsulation", []string{"encap:variant"}},
		// Kana of the other kind.
		{"ぽすともーてむ", []string{"pm:variant"}},
		// A tag is a word too, after the entries that write it.
		{"SRE", []string{"sre-text:exact", "sre-tag:variant"}},
	}
	for _, tt := range tests {
		if got := matches(t, ix, tt.query); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Search(%q) = %v, want %v", tt.query, got, tt.want)
		}
	}
	// A numeronym against the diary's own words: both of that shape.
	if got := ids(t, ix, Request{Query: "o11y"}); !slices.Contains(got, "obs") {
		t.Errorf("o11y found %v, not observability", got)
	}
	// A spelling the diary does not have is never searched for.
	if got := ids(t, ix, Request{Query: "グラファナ"}); !slices.Equal(got, []string{}) {
		t.Errorf("グラファナ found %v; the diary has no Grafana", got)
	}
}

func TestClippedFrom(t *testing.T) {
	tests := []struct {
		typed, word string
		want        bool
	}{
		{"普選", "普通選挙", true},
		{"高女", "高等女学校", true},
		{"東大", "東京大学", true},
		{"特急", "特別急行", true},
		{"普選", "普選", false},          // the word itself is no clipping
		{"普選", "選挙普通", false},        // order counts
		{"普選", "普選挙", false},         // one character at least between
		{"高女", "高等学校女子部長室", false},   // more than three after the last
		{"高女", "高いところの女", false},     // more than three between
		{"原水禁", "原子力水爆禁止", true},     // three characters typed
		{"原水禁", "原子力発電所水爆禁止", false}, // too far apart
	}
	for _, tt := range tests {
		if got := clippedFrom([]rune(tt.typed), []rune(tt.word)); got != tt.want {
			t.Errorf("clippedFrom(%s, %s) = %v, want %v", tt.typed, tt.word, got, tt.want)
		}
	}
}
