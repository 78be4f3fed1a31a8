#include "engine/direct_bind.h"

#include <elf.h>
#include <link.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

namespace litelift::engine {

namespace {

struct Search {
  const char* path;
  const std::function<void*(const char*)>* real;
  int patched;
};

// Dynamic-section pointers are relocated in place by glibc on most targets;
// add the load address when they were not.
template <typename T>
T* DynPointer(ElfW(Addr) value, ElfW(Addr) base) {
  return reinterpret_cast<T*>(value < base ? value + base : value);
}

// Writes value into a slot that may sit in a read-only (RELRO) page.
// Makes the pages of [lo, hi] writable (write) or read-only again.
bool Protect(uintptr_t lo, uintptr_t hi, bool write) {
  const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  uintptr_t start = lo & ~(page - 1);
  uintptr_t end = (hi & ~(page - 1)) + page;
  return mprotect(reinterpret_cast<void*>(start), end - start,
                  write ? PROT_READ | PROT_WRITE : PROT_READ) == 0;
}

int PatchObject(dl_phdr_info* info, Search* search) {
  const ElfW(Dyn)* dynamic = nullptr;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    if (info->dlpi_phdr[i].p_type == PT_DYNAMIC) {
      dynamic = reinterpret_cast<const ElfW(Dyn)*>(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
    }
  }
  if (dynamic == nullptr) return 0;
  ElfW(Addr) base = info->dlpi_addr;
  const ElfW(Rela)* jmprel = nullptr;
  size_t jmprel_size = 0;
  const ElfW(Sym)* symtab = nullptr;
  const char* strtab = nullptr;
  bool rela = false;
  for (const ElfW(Dyn)* d = dynamic; d->d_tag != DT_NULL; ++d) {
    switch (d->d_tag) {
      case DT_JMPREL:
        jmprel = DynPointer<const ElfW(Rela)>(d->d_un.d_ptr, base);
        break;
      case DT_PLTRELSZ:
        jmprel_size = d->d_un.d_val;
        break;
      case DT_SYMTAB:
        symtab = DynPointer<const ElfW(Sym)>(d->d_un.d_ptr, base);
        break;
      case DT_STRTAB:
        strtab = DynPointer<const char>(d->d_un.d_ptr, base);
        break;
      case DT_PLTREL:
        rela = d->d_un.d_val == DT_RELA;
        break;
    }
  }
  if (jmprel == nullptr || symtab == nullptr || strtab == nullptr || !rela) return 0;
  // The slots and their targets first, then one mprotect pair around all
  // the stores (a pair per slot cost ~0.7 ms of every process's first use).
  std::vector<std::pair<void**, void*>> slots;
  uintptr_t lo = UINTPTR_MAX, hi = 0;
  for (size_t i = 0; i < jmprel_size / sizeof(ElfW(Rela)); ++i) {
    const ElfW(Rela)& r = jmprel[i];
    if (ELF64_R_TYPE(r.r_info) != R_X86_64_JUMP_SLOT) continue;
    const char* name = strtab + symtab[ELF64_R_SYM(r.r_info)].st_name;
    if (std::strncmp(name, "sqlite3", 7) != 0) continue;
    void* target = (*search->real)(name);
    if (target == nullptr) continue;
    uintptr_t at = base + r.r_offset;
    slots.emplace_back(reinterpret_cast<void**>(at), target);
    lo = std::min(lo, at);
    hi = std::max(hi, at + sizeof(void*) - 1);
  }
  if (slots.empty() || !Protect(lo, hi, true)) return 0;
  for (const auto& [slot, target] : slots) __atomic_store_n(slot, target, __ATOMIC_RELEASE);
  Protect(lo, hi, false);
  return static_cast<int>(slots.size());
}

int Visit(dl_phdr_info* info, size_t, void* data) {
  auto* search = static_cast<Search*>(data);
  if (info->dlpi_name == nullptr || std::strcmp(info->dlpi_name, search->path) != 0) {
    return 0;
  }
  search->patched = PatchObject(info, search);
  return 1;  // found: stop
}

}  // namespace

int BindInternalCallsDirectly(const char* library_path,
                              const std::function<void*(const char*)>& real) {
#if defined(__x86_64__)
  if (library_path == nullptr || *library_path == '\0') return 0;
  Search search{library_path, &real, 0};
  dl_iterate_phdr(&Visit, &search);
  return search.patched;
#else
  (void)library_path;
  (void)real;
  return 0;  // the relocation type is x86-64's; elsewhere the bounce stays
#endif
}

}  // namespace litelift::engine
