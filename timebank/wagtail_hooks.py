from wagtail import hooks

from . import demo

hooks.register("load_demo", demo.load_demo)
