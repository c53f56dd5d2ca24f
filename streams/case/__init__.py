"""The life of one case as pure functions: from an application and what departments answer,
to the case's next state and the facts it publishes. No Faust, no Kafka: the runtime carries
it (``streams/runtime``); tests drive it directly."""
