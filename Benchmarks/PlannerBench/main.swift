import Glibc
print("todo")
