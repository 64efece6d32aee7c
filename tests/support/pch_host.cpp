// The host of the tests' precompiled header (tests/CMakeLists.txt): no code of its own.
