package history

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

// fillEveryField sets every field of v, recursively, to a non-zero value
// derived from seed, so a field the codec forgets cannot round-trip.
func fillEveryField(t *testing.T, v reflect.Value, seed *int) {
	t.Helper()
	*seed++
	switch v.Type() {
	case reflect.TypeFor[time.Time]():
		v.Set(reflect.ValueOf(time.Unix(int64(1_700_000_000+*seed), int64(*seed)).UTC()))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString("s" + string(rune('a'+*seed%26)) + "é")
	case reflect.Int:
		v.SetInt(int64(-*seed * 1000))
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fillEveryField(t, v.Elem(), seed)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fillEveryField(t, v.Index(i), seed)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			fillEveryField(t, v.Field(i), seed)
		}
	default:
		t.Fatalf("fillEveryField: no rule for %s; teach it and the codec", v.Type())
	}
}

func TestRecordCodecRoundTripsEveryField(t *testing.T) {
	var full Job
	seed := 0
	fillEveryField(t, reflect.ValueOf(&full).Elem(), &seed)
	tests := []struct {
		name string
		j    Job
	}{
		{"every field set", full},
		{"zero job", Job{}},
		{"empty lists and nil pointers", Job{ID: "x", VideoURLs: nil, StatusHistory: []StatusChange{{Status: StatusRunning}}}},
		{"times before 1970 and far ahead", Job{
			CreatedAt: time.Date(1900, 1, 1, 0, 0, 0, 5, time.UTC),
			UpdatedAt: time.Date(2200, 1, 1, 0, 0, 0, 999_999_999, time.UTC),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodeJobRecord(encodeJob(&tt.j))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.j) {
				t.Errorf("round trip\n got %+v\nwant %+v", got, tt.j)
			}
		})
	}
}

func TestRecordCodecRefusesDamage(t *testing.T) {
	var full Job
	seed := 0
	fillEveryField(t, reflect.ValueOf(&full).Elem(), &seed)
	rec := encodeJob(&full)
	for _, bad := range [][]byte{
		nil,
		{2},                                // unknown format
		rec[:len(rec)-1],                   // cut short
		append(rec[:len(rec):len(rec)], 0), // trailing byte
		{recordFormat, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, // varint overflow
		{recordFormat, 100, 'a'}, // string longer than the record
	} {
		if _, err := decodeJobRecord(bad); !errors.Is(err, errCorrupt) {
			t.Errorf("decodeJobRecord(% x) = %v, want errCorrupt", bad, err)
		}
	}
}

func TestRecordsWrittenBeforeTheLedgerFieldsStillDecode(t *testing.T) {
	j := Job{ID: "old", Status: StatusFinished, Credits: 48}
	rec := encodeJob(&j)
	old := rec[:len(rec)-3] // no credits_charged, batch_id, batch_key
	got, err := decodeJobRecord(old)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, j) {
		t.Errorf("old record decodes as %+v, want %+v", got, j)
	}
}
