"""The platform-neutral chat front: the controller, the command grammar, the text renderer, the charts and the scheduler's poster."""
