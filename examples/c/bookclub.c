#include <crm.h>
int main(void) { return 0; }
