#!/usr/bin/env bash
# The C example linked with -llitelift instead of -lsqlite3 runs; the install
# gives a CMake package (litelift::sqlite3) and a pkg-config file that build
# the same program; all print what the program prints on libsqlite3.
source "$(dirname "$0")/lib.sh"
: "${NOTES_EXAMPLE:?}"
cd "$WORK"
needed=$(readelf -d "$NOTES_EXAMPLE" | awk '/NEEDED/ {print $5}' | tr '\n' ' ')
expect_contains "$needed" "liblitelift.so.0" "the example needs liblitelift"
expect_not_contains "$needed" "libsqlite3" "and not libsqlite3"

cc -o native_notes "$SOURCE_DIR/examples/notes.c" -lsqlite3
./native_notes native.db first > native1.out
./native_notes native.db second > native2.out
"$NOTES_EXAMPLE" linked.db first > linked1.out
"$NOTES_EXAMPLE" linked.db second > linked2.out
cmp native2.out linked2.out || { diff native2.out linked2.out; fail "linked output differs"; }
expect_contains "$(cat linked2.out)" "2 | second | 4.5 | real" "linked example keeps its data"

# Install, then build the example against the installed package both ways.
cmake --install "$BUILD_DIR" --prefix "$WORK/prefix" > install.log
libdir=$(dirname "$(find "$WORK/prefix" -name 'liblitelift.so' | head -1)")
[ -n "$libdir" ] || fail "no liblitelift.so installed"
pass "cmake --install puts liblitelift.so in $libdir"
[ -x "$WORK/prefix/bin/litelift" ] || fail "no litelift command installed"
pass "cmake --install puts the litelift command in bin/"

mkdir consumer && cat > consumer/CMakeLists.txt <<CMAKE
cmake_minimum_required(VERSION 3.20)
project(consumer C)
find_package(litelift REQUIRED)
add_executable(notes "$SOURCE_DIR/examples/notes.c")
target_link_libraries(notes PRIVATE litelift::sqlite3)
CMAKE
cmake -S consumer -B consumer/build -DCMAKE_PREFIX_PATH="$WORK/prefix" > cmake.log 2>&1 \
  || { cat cmake.log; fail "find_package(litelift) failed"; }
cmake --build consumer/build > build.log 2>&1 || { cat build.log; fail "consumer build failed"; }
LD_PRELOAD=$SANITIZER_RT LD_LIBRARY_PATH=$libdir consumer/build/notes cmake.db first > /dev/null
LD_PRELOAD=$SANITIZER_RT LD_LIBRARY_PATH=$libdir consumer/build/notes cmake.db second > cmake2.out
cmp native2.out cmake2.out || fail "find_package build prints differently"
expect_contains "$(readelf -d consumer/build/notes)" "liblitelift.so.0" "find_package links litelift::sqlite3"

export PKG_CONFIG_PATH=$libdir/pkgconfig
cc -o pc_notes "$SOURCE_DIR/examples/notes.c" $(pkg-config --cflags --libs litelift)
LD_PRELOAD=$SANITIZER_RT LD_LIBRARY_PATH=$libdir ./pc_notes pc.db first > /dev/null
LD_PRELOAD=$SANITIZER_RT LD_LIBRARY_PATH=$libdir ./pc_notes pc.db second > pc2.out
cmp native2.out pc2.out || fail "pkg-config build prints differently"
expect_contains "$(readelf -d pc_notes)" "liblitelift.so.0" "pkg-config links liblitelift"
done_testing
