// The cells register their elements; the shell is one more element on top.
import '@wengert/notebook-cells';
import './styles.css';
import './app/playground-app.js';
