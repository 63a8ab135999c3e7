"""The course's autograder: nbgrader configuration and sandboxed, trusted grading.

Nothing in this package imports calcml at module level on the sandbox side: the
student's kernel must never have the course's implementations within reach.
"""
