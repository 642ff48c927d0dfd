#include "cli/cli.h"

int main(int argc, char** argv) { return amanat::cli::run(argc, argv); }
