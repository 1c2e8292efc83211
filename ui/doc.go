// Package ui is the Bubble Tea interface: compose, the live job list,
// detail, history, the key screen and help.
package ui
