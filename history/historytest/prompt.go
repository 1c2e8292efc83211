package historytest

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
)

// promptBytes is about how long a generated prompt is: a detailed shot
// description, which makes a job record of about 1 KB, as real ones are.
const promptBytes = 450

// Prompt is the prompt of the i-th generated job: about promptBytes of
// words drawn from a vocabulary of some thousands, common words far more
// often than rare ones (Zipf), as in real prompts, and ending with
// "(take i)". The same i always gives the same prompt, and no prompt has
// RareWord.
func Prompt(i int) string {
	words := vocabulary()
	r := rand.New(rand.NewPCG(uint64(i), 0x50726f6d7074))
	z := rand.NewZipf(r, 1.1, 4, uint64(len(words)-1))
	var b strings.Builder
	b.Grow(promptBytes + 24)
	for b.Len() < promptBytes {
		b.WriteString(words[z.Uint64()])
		b.WriteByte(' ')
	}
	b.WriteString("(take ")
	b.WriteString(strconv.Itoa(i))
	b.WriteByte(')')
	return b.String()
}

// RareWord is in no generated prompt: a benchmark gives it to one job to
// time a search that finds one job.
const RareWord = "zeppelin"

// vocabulary is the words of generated prompts, most common first: the
// words of shot descriptions, then made-up names (places, people,
// styles) from syllables, the long tail of real prompts. It is built on
// first use: every program that links this package (the soratui the
// end-to-end tests start, too) would otherwise build it at start-up.
var vocabulary = sync.OnceValue(func() []string {
	words := strings.Fields(commonWords)
	syll := strings.Fields("ka ri mo sa len tor vi ne da lu pe shi ro an mar el ti go ber ya")
	for _, a := range syll {
		for _, b := range syll {
			for _, c := range syll {
				words = append(words, a+b+c)
			}
		}
	}
	return words
})

const commonWords = `a the of in on at with and slow fast wide close shot dolly pan tilt
	crane aerial drone handheld steady macro lens golden hour dawn dusk night noon rain snow fog
	mist storm sun moon stars city street alley market harbour beach desert dune forest jungle
	river lake sea ocean mountain valley canyon cliff cave glacier island bridge tower castle
	temple ruin village farm field garden park roof window door stair hall room kitchen studio
	stage train car bike boat ship plane kite balloon lantern candle neon sign screen mirror
	glass water fire smoke dust sand ice steam light shadow silhouette reflection colour red
	orange yellow green blue purple pink white black grey gold silver warm cold soft hard
	bright dark vivid muted pastel cinematic film grain anamorphic flare bokeh depth focus blur
	motion timelapse slowmotion reverse loop portrait landscape closeup medium establishing
	tracking orbit push pull zoom whip cut fade dissolve cat dog fox owl horse whale bird fish
	deer wolf bear child woman man elder dancer runner knight robot astronaut chef painter
	musician crowd couple family friends stranger walks runs jumps dances sings laughs cries
	waits turns looks smiles sleeps reads writes paints cooks plays flies floats falls rises
	glows burns melts grows blooms sways drifts spins shatters ripples flickers over under
	through across toward behind beside between around above below into from while as then`
