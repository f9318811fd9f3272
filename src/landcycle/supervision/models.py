# Warnings (colour, rule, reason, history) come with the warnings board; the rules are in
# landcycle.rules.supervision.
