"""What the analysed project declares and has installed, read without importing its code.

``declared`` reads dependency declarations and lock files, ``installed`` the distributions of the
target interpreter, ``importmap`` maps import names to distributions, ``stdlib`` knows the standard
library of each Python version, ``apiindex`` the public API of installed packages (via griffe,
statically), and ``environment`` ties them together for one analysed project.
"""
