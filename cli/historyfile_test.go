package cli

import (
	"encoding/binary"
	"fmt"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// The tests of this package and of cli_test change history files by hand
// to make the states an older soratui, or a killed import, leaves.

// ChangeHistoryFile changes the history file at path in one transaction.
func ChangeHistoryFile(t *testing.T, path string, change func(tx *bolt.Tx) error) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(change)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
}

// MarkDeadImport leaves the mark of an import that died before it indexed
// any job: from doc 1 on, last written in 1970, owner 1.
func MarkDeadImport(tx *bolt.Tx) error {
	mark := binary.BigEndian.AppendUint64(make([]byte, 0, 24), 1)
	mark = binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(mark, 0), 1)
	return tx.Bucket([]byte("meta")).Put([]byte("import_pending"), mark)
}

// MakeSchema1 makes the file one of schema 1, which had no word index.
func MakeSchema1(tx *bolt.Tx) error {
	for _, name := range []string{"word_blocks", "word_tails", "docs", "doc_of", "import_touched"} {
		if err := tx.DeleteBucket([]byte(name)); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return tx.Bucket([]byte("meta")).Put([]byte("schema"), binary.BigEndian.AppendUint64(nil, 1))
}
