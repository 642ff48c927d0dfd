#include <cstdio>
int main() { std::puts("amanat"); return 0; }
