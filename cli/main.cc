// flows: the command-line client of flowd and flows-relay.
#include "flows/cli/app.h"

int main(int argc, char** argv) {
  return flows::cli::RunApp(argc, argv);
}
