def greeting():
    return "hello from the python layer"
