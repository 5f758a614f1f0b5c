/* The image plugin has no public headers; SwiftPM needs this folder to exist. */
