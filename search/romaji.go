package search

import "strings"

// romajiKana spells romaji syllables in hiragana, longest first when read
// greedily: Hepburn and Kunrei spellings both, as IMEs accept them.
var romajiKana = func() map[string]string {
	m := map[string]string{
		"a": "あ", "i": "い", "u": "う", "e": "え", "o": "お",
		"n": "ん", "n'": "ん",
		"shi": "し", "chi": "ち", "tsu": "つ", "fu": "ふ", "ji": "じ",
		"sha": "しゃ", "shu": "しゅ", "sho": "しょ", "she": "しぇ",
		"cha": "ちゃ", "chu": "ちゅ", "cho": "ちょ", "che": "ちぇ",
		"ja": "じゃ", "ju": "じゅ", "jo": "じょ", "je": "じぇ",
		"tsa": "つぁ", "fa": "ふぁ", "fi": "ふぃ", "fe": "ふぇ", "fo": "ふぉ",
		"ti": "ち", "tu": "つ", "si": "し", "zi": "じ", "hu": "ふ", "di": "ぢ", "du": "づ",
		"wo": "を", "wa": "わ", "va": "ゔぁ", "vi": "ゔぃ", "vu": "ゔ", "ve": "ゔぇ", "vo": "ゔぉ",
		"thi": "てぃ", "dhi": "でぃ", "twu": "とぅ",
	}
	rows := map[string]string{
		"k": "かきくけこ", "g": "がぎぐげご", "s": "さしすせそ", "z": "ざじずぜぞ",
		"t": "たちつてと", "d": "だぢづでど", "n": "なにぬねの", "h": "はひふへほ",
		"b": "ばびぶべぼ", "p": "ぱぴぷぺぽ", "m": "まみむめも", "r": "らりるれろ",
		"y": "や\x00ゆ\x00よ",
	}
	vowels := "aiueo"
	for c, kana := range rows {
		ks := []rune(kana)
		for i, v := range vowels {
			if ks[i] != 0 {
				if _, ok := m[c+string(v)]; !ok {
					m[c+string(v)] = string(ks[i])
				}
			}
		}
		if c != "y" {
			i := []rune(kana)[1] // the i-column kana takes small ゃゅょ
			for _, yv := range []struct{ r, k string }{{"ya", "ゃ"}, {"yu", "ゅ"}, {"yo", "ょ"}} {
				m[c+yv.r] = string(i) + yv.k
			}
		}
	}
	return m
}()

// romajiToKana reads a word typed in romaji as hiragana ("shougai" →
// しょうがい). ok is false when the word is not romaji.
func romajiToKana(s string) (kana string, ok bool) {
	var b strings.Builder
	for i := 0; i < len(s); {
		// A doubled consonant is a small っ (kitte → きって).
		if i+1 < len(s) && s[i] == s[i+1] && strings.IndexByte("kgsztdhbpmrcfjv", s[i]) >= 0 {
			b.WriteString("っ")
			i++
			continue
		}
		// "nn" is ん; before a vowel the second n starts the next syllable
		// (konnichiha → こんにちは), as IMEs read it.
		if strings.HasPrefix(s[i:], "nn") {
			b.WriteString("ん")
			i += 2
			if i < len(s) && strings.IndexByte("aiueoy", s[i]) >= 0 {
				i--
			}
			continue
		}
		matched := false
		for n := 3; n >= 1; n-- {
			if i+n > len(s) {
				continue
			}
			if k, found := romajiKana[s[i:i+n]]; found {
				// "n" before a vowel or y starts the next syllable instead.
				if s[i:i+n] == "n" && i+1 < len(s) && strings.IndexByte("aiueoy", s[i+1]) >= 0 {
					continue
				}
				b.WriteString(k)
				i += n
				matched = true
				break
			}
		}
		if !matched {
			return "", false
		}
	}
	return b.String(), b.Len() > 0
}
